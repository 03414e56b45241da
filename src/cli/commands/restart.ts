import type { CliContext } from '../context.js';
import { withDaemon } from '../daemon-call.js';
import { printChange } from '../print.js';

/** All processes of the targets stopped, then all started: not the zero-downtime `reload`. */
export async function restart(ctx: CliContext, targets: string[]): Promise<void> {
  const result = await withDaemon(ctx, true, (daemon) => daemon!.request('restart', { targets }, { timeoutMs: 120_000 }));
  await printChange(ctx, 'restarted', result);
}
