import { TsmError } from '../../core/errors.js';
import type { CliContext } from '../context.js';
import { withDaemon } from '../daemon-call.js';
import { notice, notSavedError } from '../print.js';

const EXIT_WAIT_MS = 10_000;

/** Stops every app, then the daemon, and returns only once the daemon's pid is gone. */
export async function kill(ctx: CliContext): Promise<void> {
  await withDaemon(
    ctx,
    false,
    async (daemon) => {
      if (!daemon) {
        await notice(ctx, `no daemon runs for ${ctx.paths.home}`);
        return;
      }
      // Apps get their whole kill timeout each; the reply comes once they are all down.
      const { stopped, notSaved } = await daemon.request('kill', {}, { timeoutMs: 120_000 });
      await waitForExit(daemon.waitClosed(), daemon.daemon.pid, ctx.paths.daemonLog);
      const what = `stopped ${stopped} process(es) and the daemon (pid ${daemon.daemon.pid})`;
      if (notSaved !== undefined) throw notSavedError(what, notSaved);
      await notice(ctx, what);
    },
    { allowVersionMismatch: true },
  );
}

/**
 * The OS closes the daemon's end of our connection when it exits. Waiting for that (not for the
 * pid) also works where nobody reaps the exited daemon and its pid lingers as a zombie.
 */
export async function waitForExit(closed: Promise<void>, pid: number, log: string): Promise<void> {
  let timer: NodeJS.Timeout | undefined;
  const timedOut = await Promise.race([
    closed.then(() => false),
    new Promise<boolean>((resolve) => {
      timer = setTimeout(() => resolve(true), EXIT_WAIT_MS);
    }),
  ]);
  clearTimeout(timer);
  if (timedOut) {
    throw new TsmError('E_TIMEOUT', `the daemon (pid ${pid}) did not exit within ${EXIT_WAIT_MS} ms; see its log: ${log}`);
  }
}
