import type { CliContext } from '../context.js';
import { withDaemon } from '../daemon-call.js';
import { notice } from '../print.js';

export async function flush(ctx: CliContext, targets: string[]): Promise<void> {
  const { files } = await withDaemon(ctx, false, async (daemon) =>
    daemon ? daemon.request('flush', { targets }) : { files: [] as string[] },
  );
  await notice(ctx, `flushed ${files.length} log file(s)`);
  for (const file of files) ctx.stdout.write(`${file}\n`);
}

/** After an external logrotate moved the files away: the daemon opens them again by path. */
export async function reloadLogs(ctx: CliContext): Promise<void> {
  const { reopened } = await withDaemon(ctx, false, async (daemon) =>
    daemon ? daemon.request('reloadLogs', {}) : { reopened: 0 },
  );
  await notice(ctx, `reopened ${reopened} log file(s)`);
}
