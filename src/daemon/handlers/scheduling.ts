import { parseSchedulingPolicy } from '../../core/cluster-scheduling.js';
import type { Params, Result } from '../../protocol/methods.js';
import { saveScheduling, schedulingStatus } from '../scheduling.js';
import type { DaemonState } from '../state.js';

/** `tsm cluster-scheduling [policy]`: reported, or saved for the next daemon start. */
export async function handleScheduling(state: DaemonState, params: Params<'scheduling'>): Promise<Result<'scheduling'>> {
  const set = (params as { set?: unknown } | undefined)?.set;
  if (set === undefined) return schedulingStatus(state);
  // Checked here too: what crosses the socket may come from another client than tsm's CLI.
  return saveScheduling(state, parseSchedulingPolicy(set, 'scheduling: set'));
}
