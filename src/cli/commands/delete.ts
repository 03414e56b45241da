import type { CliContext } from '../context.js';
import { withDaemon } from '../daemon-call.js';
import { expandTargets, type EcosystemFlags } from '../ecosystem-file.js';
import { printChange } from '../print.js';

export async function remove(ctx: CliContext, given: string[], flags: EcosystemFlags = {}): Promise<void> {
  const targets = await expandTargets(ctx, given, flags);
  const result = await withDaemon(ctx, true, (daemon) => daemon!.request('delete', { targets }, { timeoutMs: 120_000 }));
  await printChange(ctx, 'deleted', result);
}
