import type { StartInput } from '../core/app-spec.js';
import type { MetricsParams, MetricsStatus } from './metrics.js';
import type { SchedulingParams, SchedulingStatus } from './scheduling.js';
import type { DaemonInfo, ProcessInfo } from './process-info.js';

/** Targets as typed: names, ids, or `all`. */
export interface TargetParams {
  targets: string[];
}

/** What a command that changes processes gets back: what it touched, then the whole table. */
export interface ChangeResult {
  changed: ProcessInfo[];
  processes: ProcessInfo[];
  /** Set when the change was made but the app list could not be saved: why, naming the file. */
  notSaved?: string;
}

export type StartParams =
  | {
      kind: 'script';
      input: StartInput;
      force: boolean;
      /**
       * What happens to an app of that name (startOrRestart, startOrReload, restart or reload of an
       * ecosystem file): its new settings are applied by a restart or a zero-downtime reload.
       * Without it, `force` replaces the app and no force refuses.
       */
      existing?: 'restart' | 'reload';
    }
  // Smart start: a known name or id is started (or restarted) with the options it was saved with.
  | { kind: 'targets'; targets: string[] };

export type Topic = 'logs' | 'processes';

export interface SubscribeParams {
  topics: Topic[];
  /** For logs: which apps (names, ids, all); default all, with the daemon's own lines. */
  targets?: string[];
  /** For logs: which streams; default both. */
  streams?: Array<'out' | 'err'>;
}

/**
 * Every request the daemon answers, with its params and result, written once. The daemon's
 * handler table is typed as `{ [M in MethodName]: Handler<M> }`, so a method without a handler,
 * or a handler with the wrong shape, does not compile.
 */
export interface Methods {
  ping: { params: Record<string, never>; result: DaemonInfo };
  list: { params: Record<string, never>; result: ProcessInfo[] };
  describe: { params: TargetParams; result: ProcessInfo[] };
  start: { params: StartParams; result: ChangeResult };
  stop: { params: TargetParams; result: ChangeResult };
  /** `env`: --update-env, the CLI's environment over the app's; `watch`: --watch turns watching on. */
  restart: { params: TargetParams & { env?: Record<string, string>; watch?: boolean }; result: ChangeResult };
  /** Cluster apps: workers replaced one at a time (`parallel` at once); fork apps: restarted. */
  reload: { params: TargetParams & { env?: Record<string, string>; parallel?: number }; result: ChangeResult };
  delete: { params: TargetParams; result: ChangeResult };
  /** Empties the log files of the targets (all apps when none given). */
  flush: { params: { targets?: string[] }; result: { files: string[] } };
  /** Reopens every open log file by path, for an external logrotate. */
  reloadLogs: { params: Record<string, never>; result: { reopened: number } };
  /** Writes the app list to the dump file, for `resurrect` after a reboot or a kill. */
  save: { params: Record<string, never>; result: { apps: number; file: string } };
  /** Starts the apps of the dump file that are not in the list already. */
  resurrect: { params: Record<string, never>; result: ChangeResult };
  /** Sets an app's number of instances: `count` is N, +N or -N; the highest go first. */
  scale: { params: { name: string; count: string }; result: ChangeResult };
  /** Sends a signal to the processes of the targets (PM2's sendSignal). */
  signal: { params: TargetParams & { signal: string }; result: ChangeResult };
  /** Sets the restart counters of the targets back to 0. */
  reset: { params: TargetParams; result: ChangeResult };
  /** The environment each process of the targets was started with. */
  env: { params: TargetParams; result: Array<{ id: number; name: string; env: Record<string, string> | null }> };
  /** Answers at once, then pushes events on this request id until the connection closes. */
  subscribe: { params: SubscribeParams; result: { subscribed: true } };
  /** Stops every app, answers, then the daemon exits. */
  kill: { params: Record<string, never>; result: { stopped: number; notSaved?: string } };
  /** The HTTP endpoint (/metrics, /healthz, /readyz): reported, or turned on/off live and saved. */
  metrics: { params: MetricsParams; result: MetricsStatus };
  /** The cluster scheduling policy: this daemon's, and the saved one for the next daemon start. */
  scheduling: { params: SchedulingParams; result: SchedulingStatus };
}

export type MethodName = keyof Methods;
export type Params<M extends MethodName> = Methods[M]['params'];
export type Result<M extends MethodName> = Methods[M]['result'];

export const METHOD_NAMES: readonly MethodName[] = [
  'ping',
  'list',
  'describe',
  'start',
  'stop',
  'restart',
  'reload',
  'delete',
  'subscribe',
  'scale',
  'signal',
  'reset',
  'env',
  'save',
  'resurrect',
  'flush',
  'reloadLogs',
  'kill',
  'metrics',
  'scheduling',
];

export function isMethodName(value: unknown): value is MethodName {
  return typeof value === 'string' && (METHOD_NAMES as readonly string[]).includes(value);
}
