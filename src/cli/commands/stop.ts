import type { CliContext } from '../context.js';
import { withDaemon } from '../daemon-call.js';
import { printChange } from '../print.js';

export async function stop(ctx: CliContext, targets: string[]): Promise<void> {
  const result = await withDaemon(ctx, true, (daemon) => daemon!.request('stop', { targets }, { timeoutMs: 120_000 }));
  await printChange(ctx, 'stopped', result);
}
