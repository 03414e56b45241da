import { parseSchedulingPolicy, SCHEDULING_ENV, type SchedulingPolicy } from '../../core/cluster-scheduling.js';
import type { SchedulingStatus } from '../../protocol/scheduling.js';
import type { CliContext } from '../context.js';
import { withDaemon } from '../daemon-call.js';
import { notice } from '../print.js';

const MEANING: Record<SchedulingPolicy, string> = {
  shared: 'the workers share the listening socket and accept their own connections',
  'round-robin': 'the daemon accepts every connection and hands them to the workers in turn',
};

const SOURCE: Record<SchedulingStatus['source'], string> = {
  environment: `from ${SCHEDULING_ENV}`,
  setting: 'the saved setting',
  default: 'the default',
};

/**
 * `tsm cluster-scheduling [shared|round-robin]`: shows the policy, or saves another one. Node
 * reads the policy once per daemon, so a saved change applies from the next daemon start, and
 * the command says so. A bad value is refused here, before any daemon is started or written to.
 */
export async function clusterScheduling(ctx: CliContext, policy: string | undefined, options: { json?: boolean }): Promise<void> {
  const set = policy === undefined ? undefined : parseSchedulingPolicy(policy, 'cluster-scheduling:');
  const status = await withDaemon(ctx, true, (daemon) => daemon!.request('scheduling', set === undefined ? {} : { set }));
  if (options.json) ctx.stdout.write(`${JSON.stringify(status)}\n`);
  else {
    ctx.stdout.write(`cluster scheduling: ${status.active} (${SOURCE[status.source]}, daemon pid ${status.pid}): ${MEANING[status.active]}\n`);
    if (status.saved !== null && status.saved !== status.active) {
      ctx.stdout.write(`saved for the next daemon start: ${status.saved}\n`);
    }
  }
  if (set !== undefined) await explainSaved(ctx, status, set);
}

async function explainSaved(ctx: CliContext, status: SchedulingStatus, set: SchedulingPolicy): Promise<void> {
  const next = status.source === 'environment' ? `; a daemon started with ${SCHEDULING_ENV} set still takes the variable's value` : '';
  if (status.active === set) {
    await notice(ctx, `saved in ${status.settingsFile}; this daemon already uses ${set}${next}`);
    return;
  }
  await notice(
    ctx,
    `saved in ${status.settingsFile}. Node fixes the policy when a daemon starts, so this daemon (pid ${status.pid}) ` +
      `keeps ${status.active} until it stops${next}. To apply it now: tsm update ` +
      '(the apps are saved, and restart on a new daemon).',
  );
}
