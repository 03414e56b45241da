import { TsmError } from './errors.js';

/**
 * How the connections of a cluster app reach its workers; one policy for the whole daemon,
 * because Node's cluster module reads `cluster.schedulingPolicy` once, at the daemon's first
 * worker, and the daemon is the primary of every app.
 *
 * - `shared` (Node's SCHED_NONE): the daemon binds the port and hands the listening socket to
 *   every worker; the kernel gives each new connection to a worker that is waiting in accept().
 *   The daemon does no work per connection. Balance is the kernel's: a busy worker takes fewer.
 * - `round-robin` (Node's SCHED_RR, Node's own default): the daemon accepts every connection and
 *   sends it to the workers in turn over IPC. Even counts, at the daemon's CPU for each
 *   connection of every app, which slows its answers to the CLI and the other apps' accepts.
 */
export const SCHEDULING_POLICIES = ['shared', 'round-robin'] as const;
export type SchedulingPolicy = (typeof SCHEDULING_POLICIES)[number];

/** Measured in bench/connections.js: see the README's "Cluster scheduling". */
export const DEFAULT_SCHEDULING: SchedulingPolicy = 'shared';

/** Read by the daemon when it starts; it wins over the saved setting (containers, one-off runs). */
export const SCHEDULING_ENV = 'TSM_CLUSTER_SCHEDULING';

/** Where the policy of a running daemon came from. */
export type SchedulingSource = 'environment' | 'setting' | 'default';

export function isSchedulingPolicy(value: unknown): value is SchedulingPolicy {
  return typeof value === 'string' && (SCHEDULING_POLICIES as readonly string[]).includes(value);
}

/** `what` names where the value came from (the command, the variable), for the message. */
export function parseSchedulingPolicy(value: unknown, what: string): SchedulingPolicy {
  if (isSchedulingPolicy(value)) return value;
  const shown = typeof value === 'string' ? `'${value.slice(0, 60)}'` : (JSON.stringify(value) ?? String(value)).slice(0, 60);
  throw new TsmError(
    'E_USAGE',
    `${what} ${shown} is not a cluster scheduling policy. Use 'shared' (the workers accept their own ` +
      `connections; Node's SCHED_NONE) or 'round-robin' (the daemon accepts and deals them out in turn; Node's SCHED_RR).`,
  );
}

/**
 * The policy a daemon starts with: the variable when set (already checked by the CLI that
 * launched the daemon; a bad value throws), else the saved setting, else the default.
 */
export function chooseScheduling(
  envValue: string | undefined,
  saved: SchedulingPolicy | undefined,
): { policy: SchedulingPolicy; source: SchedulingSource } {
  if (envValue !== undefined && envValue !== '') return { policy: parseSchedulingPolicy(envValue, SCHEDULING_ENV), source: 'environment' };
  if (saved !== undefined) return { policy: saved, source: 'setting' };
  return { policy: DEFAULT_SCHEDULING, source: 'default' };
}
