import type { CliContext } from '../context.js';
import { withDaemon } from '../daemon-call.js';
import { printChange } from '../print.js';
import { stringEnv } from '../start-input.js';

/** All processes of the targets stopped, then all started: not the zero-downtime `reload`. */
export async function restart(ctx: CliContext, targets: string[], flags: { updateEnv?: boolean }): Promise<void> {
  const params = { targets, ...(flags.updateEnv ? { env: stringEnv(ctx.env) } : {}) };
  const result = await withDaemon(ctx, true, (daemon) => daemon!.request('restart', params, { timeoutMs: 120_000 }));
  await printChange(ctx, 'restarted', result);
}
