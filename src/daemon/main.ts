import type { EventEmitter } from 'node:events';
import { availableParallelism } from 'node:os';
import { unlink } from 'node:fs/promises';
import { parseLogMode } from '../core/home-safety.js';
import { checkSocketPath, homePaths } from '../core/paths.js';
import { EventHub } from './event-hub.js';
import { handlers } from './handlers/index.js';
import { secureHome } from './home-check.js';
import { Logger } from './logger.js';
import { AppendFile } from './logs/append-file.js';
import { LogSinks } from './logs/log-sinks.js';
import { MetricsSampler } from './metrics.js';
import { AppStore } from './persist.js';
import { acquirePidLock, releasePidLock } from './pid-lock.js';
import { Registry } from './registry.js';
import { refreshApp, stopEveryApp } from './owner/operations.js';
import { Owners } from './owner/owners.js';
import { spawnRealProcess } from './process/spawn-process.js';
import { registerSaved, restoreSaved } from './restore.js';
import { listen } from './server.js';
import type { ControlSocket } from './socket/control-socket.js';
import { Notices } from './socket/notices.js';
import type { DaemonState } from './state.js';
import { Supervisor } from './supervisor.js';
import { AppTriggers } from './triggers/app-triggers.js';
import { MemoryLimits } from './triggers/memory-limit.js';

export interface DaemonOptions {
  home: string;
  sampleIntervalMs?: number;
}

/**
 * Runs the daemon for one home until it is told to stop (`tsm kill`, SIGTERM, SIGINT).
 * Resolves with the exit code; the entry file is the one that exits.
 */
export async function runDaemon(options: DaemonOptions): Promise<number> {
  const paths = homePaths(options.home);
  checkSocketPath(paths);
  process.title = `tsm: daemon ${paths.home}`;
  const logMode = parseLogMode(process.env['TSM_LOG_MODE']);
  forgetEnvironment();
  await secureHome(paths);
  const hub = new EventHub();
  const logFile = new AppendFile(paths.daemonLog);
  const logger = new Logger(logFile, (line) => {
    if (hub.listenerCount('line') > 0) hub.emit('line', { id: -1, name: 'tsm', stream: 'daemon', line, at: Date.now() });
  });

  const lock = await acquirePidLock(paths.pidFile);
  if (!lock.acquired) {
    logger.info(`daemon ${lock.owner} already serves ${paths.home}; pid ${process.pid} exits`);
    return 0;
  }

  let finish: (code: number) => void = () => {};
  const finished = new Promise<number>((resolve) => {
    finish = resolve;
  });

  // The sampler sleeps while it has nothing to measure and no one to tell: a subscriber wakes it.
  // 'newListener' runs before the listener is added, hence the next turn; the hub's typed events
  // leave Node's own event out, hence the cast.
  (hub as EventEmitter).on('newListener', (event: string | symbol) => {
    if (event === 'sample') setImmediate(() => state.sampler.wake());
  });
  const registry = new Registry();
  const sinks = new LogSinks((path, error) => logger.error(`log file ${path} failed; its lines are dropped until reopened`, error), logMode);
  const store = new AppStore(paths.appsFile);
  // The app's own triggers (file changes, a schedule, its memory limit) ask its owner, like a
  // command; after each operation its watch and schedule are re-armed to match what it is now.
  const triggers = new AppTriggers({
    registry,
    logger,
    accepting: () => !state.shuttingDown,
    refresh: (name, cause) => void refreshApp(state, name, cause),
  });
  const memoryLimits = new MemoryLimits(registry, (name, cause, ids) => refreshApp(state, name, cause, ids));
  const owners = new Owners(
    () => state.shuttingDown,
    (name) => triggers.sync(name),
  );
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
    sampler: new MetricsSampler(
      registry,
      options.sampleIntervalMs ?? 1000,
      () => {
        memoryLimits.check();
        hub.emit('sample');
      },
      () => hub.listenerCount('sample') > 0,
    ),
    owners,
    supervisor: new Supervisor({
      home: paths.home,
      registry,
      spawnProcess: spawnRealProcess,
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
      logFile.reopen();
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
    requestShutdown() {
      // After the reply to `kill` has been written: the socket flushes on the next turns.
      setImmediate(() => void shutdown('kill'));
    },
  };

  let server: ControlSocket | null = null;
  let closing = false;
  const shutdown = async (why: string): Promise<void> => {
    if (closing) return;
    closing = true;
    logger.info(`shutting down (${why})`);
    await state.stopAllForShutdown();
    state.sampler.stop();
    triggers.closeAll();
    server?.close();
    await unlink(paths.socket).catch(() => {});
    await sinks.closeAll();
    await releasePidLock(paths.pidFile);
    logger.info('daemon stopped');
    finish(0);
  };

  process.on('SIGTERM', () => void shutdown('SIGTERM'));
  process.on('SIGINT', () => void shutdown('SIGINT'));
  process.on('SIGHUP', () => {}); // detached: a hangup is not ours to die of
  // PM2's signal for an external logrotate: open every log file again by its path.
  process.on('SIGUSR2', () => logger.info(`SIGUSR2: reopened ${state.reopenLogs()} log file(s)`));
  // A bug in the daemon must not take every app down with it: log it and keep serving.
  process.on('uncaughtException', (error) => logger.error('uncaught exception (daemon keeps running)', error));
  process.on('unhandledRejection', (error) => logger.error('unhandled rejection (daemon keeps running)', error));

  const { state: saved, problems } = await store.load();
  for (const problem of problems) {
    logger.warn(problem);
    state.notices.add(problem);
  }
  const crashed = saved !== null && !saved.cleanShutdown && saved.apps.length > 0;
  // Until every app is back, the saved list stays the truth on disk: a crash mid-restore must not
  // leave a half list behind. Saves asked for meanwhile are written once, at the release.
  const hold = crashed ? store.hold() : null;
  if (crashed) {
    logger.warn(`the previous daemon did not shut down cleanly; restoring ${saved.apps.length} app(s)`);
    state.notices.add(
      `the tsm daemon had stopped unexpectedly; a new one (pid ${process.pid}) is restoring ${saved.apps.length} app(s). ` +
        `What happened may be at the end of ${paths.daemonLog}.`,
    );
  }
  const registered = crashed ? registerSaved(state, saved) : null;
  server = await listen(state, handlers);
  state.sampler.start();
  logger.info(`daemon ${process.pid} listening on ${paths.socket}`);
  if (registered && hold) {
    void restoreSaved(state, registered)
      .then(() => hold.release())
      .then(
        () => logger.info('restore complete'),
        (error: unknown) => logger.error('restore failed', error),
      );
  } else {
    await state.save().catch((error: unknown) => logger.error('the app list could not be saved', error));
  }
  return finished;
}

/**
 * node:cluster gives each worker the primary's environment with the app's on top, so whatever
 * the shell that first started the daemon had would leak into cluster apps (and not fork apps).
 * Every app gets the environment of the CLI that started it, sent with the request; the daemon
 * itself needs none of its own once it runs.
 */
function forgetEnvironment(): void {
  for (const key of Object.keys(process.env)) delete process.env[key];
}
