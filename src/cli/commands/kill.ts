import { setTimeout as delay } from 'node:timers/promises';
import { TsmError } from '../../core/errors.js';
import type { CliContext } from '../context.js';
import { withDaemon } from '../daemon-call.js';
import { notice } from '../print.js';

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
      const { stopped } = await daemon.request('kill', {}, { timeoutMs: 120_000 });
      await waitForExit(daemon.daemon.pid, ctx.paths.daemonLog);
      await notice(ctx, `stopped ${stopped} process(es) and the daemon (pid ${daemon.daemon.pid})`);
    },
    { allowVersionMismatch: true },
  );
}

async function waitForExit(pid: number, log: string): Promise<void> {
  const deadline = Date.now() + EXIT_WAIT_MS;
  while (Date.now() < deadline) {
    try {
      process.kill(pid, 0);
    } catch {
      return;
    }
    await delay(10);
  }
  throw new TsmError('E_TIMEOUT', `the daemon (pid ${pid}) did not exit within ${EXIT_WAIT_MS} ms; see its log: ${log}`);
}
