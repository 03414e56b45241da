import type { CliContext } from '../context.js';
import { withDaemon } from '../daemon-call.js';
import { ecosystemPath, expandTargets, type EcosystemFlags } from '../ecosystem-file.js';
import { applyEcosystem } from './apply-ecosystem.js';
import { printChange } from '../print.js';
import { stringEnv } from '../start-input.js';

/** All processes of the targets stopped, then all started: not the zero-downtime `reload`. */
export async function restart(ctx: CliContext, given: string[], flags: { updateEnv?: boolean; watch?: boolean } & EcosystemFlags): Promise<void> {
  if (given.length === 1 && (await ecosystemPath(ctx, given[0]))) {
    await applyEcosystem(ctx, given[0]!, 'restart', flags, false);
    return;
  }
  const targets = await expandTargets(ctx, given, flags);
  const params = { targets, ...(flags.updateEnv ? { env: stringEnv(ctx.env) } : {}), ...(flags.watch ? { watch: true } : {}) };
  const result = await withDaemon(ctx, true, (daemon) => daemon!.request('restart', params, { timeoutMs: 120_000 }));
  await printChange(ctx, 'restarted', result);
}
