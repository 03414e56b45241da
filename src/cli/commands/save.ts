import type { CliContext } from '../context.js';
import { withDaemon } from '../daemon-call.js';
import { notice, printChange } from '../print.js';

export async function save(ctx: CliContext): Promise<void> {
  const { apps, file } = await withDaemon(ctx, true, (daemon) => daemon!.request('save', {}));
  await notice(ctx, `saved ${apps} app(s) to ${file}; 'tsm resurrect' starts them again`);
}

export async function resurrect(ctx: CliContext): Promise<void> {
  const result = await withDaemon(ctx, true, (daemon) => daemon!.request('resurrect', {}, { timeoutMs: 120_000 }));
  await printChange(ctx, 'started', result);
}
