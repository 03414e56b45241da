import { TsmError } from '../../core/errors.js';
import { TSM_VERSION } from '../../protocol/version.js';
import type { CliContext } from '../context.js';
import { withDaemon } from '../daemon-call.js';
import { notice, printChange } from '../print.js';
import { waitForExit } from './kill.js';

/**
 * After tsm or Node is upgraded, the daemon still runs the old code: `tsm update` moves the apps
 * to a daemon of this CLI's version, as `pm2 update` does. The order keeps every app safe: the
 * app list is saved first (dump.json, as `tsm save`), and the old daemon is stopped only once that
 * save succeeded; the new daemon then starts them again as `tsm resurrect` would.
 */
export async function update(ctx: CliContext): Promise<void> {
  const old = await withDaemon(
    ctx,
    false,
    async (daemon) => {
      if (!daemon) return null;
      const saved = await daemon.request('save', {}).catch((error: unknown) => {
        throw new TsmError(
          'E_SAVE',
          `could not save the app list before the update (${(error as Error).message}); nothing was stopped. ` +
            `If the daemon is too old to answer, run 'tsm save' with the tsm it runs (${daemon.daemon.version}), then 'tsm kill' and 'tsm resurrect'.`,
        );
      });
      const { stopped } = await daemon.request('kill', {}, { timeoutMs: 120_000 });
      await waitForExit(daemon.waitClosed(), daemon.daemon.pid, ctx.paths.daemonLog);
      return { version: daemon.daemon.version, pid: daemon.daemon.pid, stopped, apps: saved.apps };
    },
    { allowVersionMismatch: true },
  );
  if (old === null) {
    await notice(ctx, `no daemon runs for ${ctx.paths.home}: the next command starts one of tsm ${TSM_VERSION}`);
    return;
  }
  await notice(
    ctx,
    `saved ${old.apps} app(s) to ${ctx.paths.dumpFile}, then stopped the daemon of tsm ${old.version} (pid ${old.pid}, ${old.stopped} process(es))`,
  );
  const result = await withDaemon(ctx, true, (daemon) => daemon!.request('resurrect', {}, { timeoutMs: 120_000 }));
  await printChange(ctx, 'started', result);
  await notice(ctx, `the daemon now runs tsm ${TSM_VERSION} on Node ${process.versions.node}`);
}
