import type { SchedulingPolicy, SchedulingSource } from '../core/cluster-scheduling.js';
import type { HomePaths } from '../core/paths.js';
import type { DaemonCounters } from './counters.js';
import type { EventHub } from './event-hub.js';
import type { MetricsEndpoint } from './http/endpoint.js';
import type { Logger } from './logger.js';
import type { LogSinks } from './logs/log-sinks.js';
import type { MetricsSampler } from './metrics.js';
import type { Owners } from './owner/owners.js';
import type { AppStore } from './persist.js';
import type { SettingsStore } from './persist/settings-store.js';
import type { ProcEntry, Registry } from './registry.js';
import type { Notices } from './socket/notices.js';
import type { Supervisor } from './supervisor.js';

/** Everything the daemon knows, built once in main and handed to its parts: no module state. */
export interface DaemonState {
  paths: HomePaths;
  startedAt: number;
  cpus: number;
  logger: Logger;
  registry: Registry;
  supervisor: Supervisor;
  store: AppStore;
  sampler: MetricsSampler;
  sinks: LogSinks;
  /** Live lines and samples, for subscribers. */
  hub: EventHub;
  /** The owner of each app: every change to an app's processes is an operation submitted there. */
  owners: Owners;
  /** What to tell the next command that connects (printed by the CLI as warnings). */
  notices: Notices;
  /** What /metrics reads besides the registry: log lines and bytes, restart causes, reloads. */
  counters: DaemonCounters;
  /** The HTTP endpoint (/metrics, /healthz, /readyz) and its saved setting. */
  metricsEndpoint: MetricsEndpoint;
  /** settings.json, one copy for every setting kept there; loaded at daemon start. */
  settings: SettingsStore;
  /** The cluster scheduling policy, fixed at daemon start (daemon/scheduling.ts). */
  scheduling: { policy: SchedulingPolicy; source: SchedulingSource };
  /** Persists the app list; called after every change a command makes. */
  save(): Promise<void>;
  /**
   * Stops every app without forgetting which should run (for resurrect), and saves the list;
   * never throws: a save that fails is reported in `notSaved`, and the shutdown goes on.
   */
  stopAllForShutdown(): Promise<{ stopped: number; notSaved?: string }>;
  /** Asks main to exit once the current reply is sent. */
  requestShutdown(): void;
  shuttingDown: boolean;
  /** Opens every log file again by path (the daemon's own too); returns how many. */
  reopenLogs(): number;
  /** A line from tsm itself in an app's error log (why its reload failed). */
  appendToErrorLog(entry: ProcEntry, line: string): void;
}
