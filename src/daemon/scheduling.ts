import { chooseScheduling, DEFAULT_SCHEDULING, type SchedulingPolicy } from '../core/cluster-scheduling.js';
import { runsInterpreted } from '../core/daemon-node-flags.js';
import type { SchedulingStatus } from '../protocol/scheduling.js';
import { setSchedulingPolicy } from './process/cluster-process.js';
import type { DaemonState } from './state.js';

/**
 * At daemon start, after the settings are loaded and before any app can start (a restore, a
 * request): the cluster scheduling policy for this daemon's life. `fromEnv` is the checked
 * TSM_CLUSTER_SCHEDULING, read before the daemon forgot its environment.
 */
export function bootScheduling(state: DaemonState, fromEnv: SchedulingPolicy | undefined): void {
  const chosen = chooseScheduling(fromEnv, state.settings.current.cluster?.scheduling);
  setSchedulingPolicy(chosen.policy);
  state.scheduling = chosen;
  state.logger.info(`cluster scheduling: ${chosen.policy} (${chosen.source})`);
  if (chosen.policy === 'round-robin' && runsInterpreted(process.execArgv)) {
    // A unit written by `tsm startup` before round-robin was chosen: it works, with fewer connections per second.
    state.logger.warn(
      "cluster scheduling: round-robin on a daemon started with --jitless (a unit written before round-robin was chosen?): it deals out fewer connections per second; run 'tsm startup' again",
    );
  }
}

export function schedulingStatus(state: DaemonState): SchedulingStatus {
  return {
    active: state.scheduling.policy,
    source: state.scheduling.source,
    saved: state.settings.current.cluster?.scheduling ?? null,
    default: DEFAULT_SCHEDULING,
    pid: process.pid,
    settingsFile: state.settings.file,
  };
}

/** Saves the policy for the next daemon start; this daemon keeps its own (see cluster-process.ts). */
export async function saveScheduling(state: DaemonState, policy: SchedulingPolicy): Promise<SchedulingStatus> {
  if (state.settings.current.cluster?.scheduling !== policy) {
    await state.settings.update((current) => ({ ...current, cluster: { scheduling: policy } }));
    state.logger.info(`cluster scheduling: ${policy} saved for the next daemon start (this one keeps ${state.scheduling.policy})`);
  }
  return schedulingStatus(state);
}
