import type { CliContext } from '../context.js';
import { withDaemon } from '../daemon-call.js';
import { printChange } from '../print.js';

export async function remove(ctx: CliContext, targets: string[]): Promise<void> {
  const result = await withDaemon(ctx, true, (daemon) => daemon!.request('delete', { targets }, { timeoutMs: 120_000 }));
  await printChange(ctx, 'deleted', result);
}
