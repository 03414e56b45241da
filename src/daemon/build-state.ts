import type { EventEmitter } from 'node:events';
import { availableParallelism } from 'node:os';
import { DEFAULT_SCHEDULING } from '../core/cluster-scheduling.js';
import type { HomePaths } from '../core/paths.js';
import { DaemonCounters } from './counters.js';
import type { EventHub } from './event-hub.js';
import { MetricsEndpoint } from './http/endpoint.js';
import type { Logger } from './logger.js';
import { LogSinks } from './logs/log-sinks.js';
import { MetricsSampler } from './metrics.js';
import type { Cadence } from './sample-cadence.js';
import { refreshApp, stopEveryApp } from './owner/operations.js';
import { Owners } from './owner/owners.js';
import { AppStore } from './persist.js';
import { SettingsStore } from './persist/settings-store.js';
import type { SpawnProcess } from './process/spawn-process.js';
import { Registry } from './registry.js';
import { Notices } from './socket/notices.js';
import type { DaemonState } from './state.js';
import { Supervisor } from './supervisor.js';
import { AppTriggers } from './triggers/app-triggers.js';
import { MemoryLimits } from './triggers/memory-limit.js';

export interface StateParts {
  paths: HomePaths;
  logger: Logger;
  hub: EventHub;
  /** The daemon's own log, reopened with the apps' files (reloadLogs, SIGUSR2). */
  logFile: { reopen(): void };
  /** Mode of new log files (TSM_LOG_MODE, read before the daemon forgets its environment). */
  logMode: number;
  /** How often processes are measured: see sample-cadence.ts. */
  sampleCadence: Cadence;
  /** Real processes in the daemon; fakes in the tests of the owner's rules. */
  spawnProcess: SpawnProcess;
  /** Main's shutdown, asked for by `kill` once its reply is on its way. */
  requestShutdown: () => void;
}

/**
 * The daemon's parts, wired once: the registry, each app's owner, the supervisor, the triggers
 * that ask the owners (file changes, schedules, memory limits), logs, saved list and metrics.
 * Main builds the state here and runs it; the tests of the ordering rules build the same state
 * with fake processes, so what they test is what runs.
 */
export function buildDaemonState(parts: StateParts): { state: DaemonState; triggers: AppTriggers } {
  const { paths, logger, hub } = parts;
  // The sampler sleeps while it has nothing to measure and no one to tell: a subscriber wakes it.
  // 'newListener' runs before the listener is added, hence the next turn; the hub's typed events
  // leave Node's own event out, hence the cast.
  (hub as EventEmitter).on('newListener', (event: string | symbol) => {
    if (event === 'sample') setImmediate(() => state.sampler.wake());
  });
  const registry = new Registry();
  const sinks = new LogSinks((path, error) => logger.error(`log file ${path} failed; its lines are dropped until reopened`, error), parts.logMode);
  const store = new AppStore(paths.appsFile);
  // The app's own triggers (file changes, a schedule, its memory limit) ask its owner, like a
  // command; after each operation its watch and schedule are re-armed to match what it is now.
  const triggers = new AppTriggers({
    registry,
    logger,
    accepting: () => !state.shuttingDown,
    refresh: (name, reason) => void refreshApp(state, name, reason),
  });
  const memoryLimits = new MemoryLimits(registry, (name, reason, ids) => refreshApp(state, name, reason, ids));
  const owners = new Owners(
    () => state.shuttingDown,
    (name) => triggers.sync(name),
  );
  const counters = new DaemonCounters();
  const settings = new SettingsStore(paths.settingsFile);
  const state: DaemonState = {
    paths,
    startedAt: Date.now(),
    cpus: availableParallelism(),
    logger,
    registry,
    sinks,
    store,
    hub,
    notices: new Notices(),
    sampler: new MetricsSampler(registry, {
      cadence: parts.sampleCadence,
      onSample: () => {
        memoryLimits.check();
        hub.emit('sample');
      },
      hasSubscribers: () => hub.listenerCount('sample') > 0,
    }),
    owners,
    counters,
    metricsEndpoint: new MetricsEndpoint(settings, logger, () => state),
    settings,
    // Until main's bootScheduling: what Node would do with neither the variable nor a setting.
    scheduling: { policy: DEFAULT_SCHEDULING, source: 'default' },
    supervisor: new Supervisor({
      home: paths.home,
      registry,
      spawnProcess: parts.spawnProcess,
      accepting: () => !state.shuttingDown,
      prepareLogs: (files) => sinks.prepare(files),
      requestRevive: (entry) => {
        owners
          .of(entry.spec.name)
          .submit('revive', () => state.supervisor.revive(entry))
          .catch((error: unknown) => logger.warn(`${entry.spec.name} (id ${entry.id}) not restarted: ${(error as Error).message}`));
      },
      logger,
      sinks,
      logsDir: paths.logsDir,
      onLine: (entry, stream, line) => {
        counters.logLine(entry, stream, line);
        // Most of the time nobody follows: building the event would be work for nothing.
        if (hub.listenerCount('line') > 0) {
          hub.emit('line', { id: entry.id, name: entry.spec.name, stream, line, at: Date.now() });
        }
      },
      onSpawn: () => {
        state.sampler.wake();
        void state.save();
      },
    }),
    shuttingDown: false,
    reopenLogs() {
      parts.logFile.reopen();
      return sinks.reopenAll() + 1;
    },
    appendToErrorLog(entry, line) {
      const path = entry.logs.err ?? entry.logs.combined;
      if (path === null) return;
      sinks.acquire(path, entry.spec.logs.rotation).write(`${new Date().toISOString()} ${line}\n`);
      sinks.release(path);
    },
    save: () => store.save(registry.all(), false),
    async stopAllForShutdown() {
      state.shuttingDown = true;
      const stopped = registry.all().filter((entry) => entry.proc !== null).length;
      await stopEveryApp(state).catch((error: unknown) => logger.error('stopping the apps failed', error));
      // Under a restore's hold this is written at the release, once the cancelled restores end.
      return store.save(registry.all(), true).then(
        () => ({ stopped }),
        (error: unknown) => {
          logger.error(`the app list could not be saved at shutdown`, error);
          return { stopped, notSaved: (error as Error).message };
        },
      );
    },
    requestShutdown: parts.requestShutdown,
  };

  return { state, triggers };
}
