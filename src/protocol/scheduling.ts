import type { SchedulingPolicy, SchedulingSource } from '../core/cluster-scheduling.js';

/** `tsm cluster-scheduling [policy]`: with `set`, the policy is saved for the next daemon start. */
export interface SchedulingParams {
  set?: SchedulingPolicy;
}

export interface SchedulingStatus {
  /** What this daemon's cluster apps use, fixed when it started (Node reads it once). */
  active: SchedulingPolicy;
  /** Where `active` came from: TSM_CLUSTER_SCHEDULING, the saved setting, or the default. */
  source: SchedulingSource;
  /** The saved setting, for the next daemon start; null when none was ever chosen. */
  saved: SchedulingPolicy | null;
  /** What a daemon uses with neither the variable nor a saved setting. */
  default: SchedulingPolicy;
  /** The daemon that answered: the one that keeps `active` until it stops. */
  pid: number;
  settingsFile: string;
}
