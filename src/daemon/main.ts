import { availableParallelism } from 'node:os';
import { mkdir, unlink } from 'node:fs/promises';
import { checkSocketPath, homePaths } from '../core/paths.js';
import { EventHub } from './event-hub.js';
import { handlers } from './handlers/index.js';
import { Logger } from './logger.js';
import { AppendFile } from './logs/append-file.js';
import { LogSinks } from './logs/log-sinks.js';
import { MetricsSampler } from './metrics.js';
import { AppStore } from './persist.js';
import { acquirePidLock, releasePidLock } from './pid-lock.js';
import { Registry } from './registry.js';
import { restoreAfterCrash } from './restore.js';
import { listen } from './server.js';
import type { ControlSocket } from './socket/control-socket.js';
import { Notices } from './socket/notices.js';
import type { DaemonState } from './state.js';
import { Supervisor } from './supervisor.js';

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
  forgetEnvironment();
  await mkdir(paths.home, { recursive: true, mode: 0o700 });
  await mkdir(paths.logsDir, { recursive: true });
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

  const registry = new Registry();
  const sinks = new LogSinks((path, error) => logger.error(`log file ${path} failed; its lines are dropped until reopened`, error));
  const store = new AppStore(paths.appsFile);
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
    sampler: new MetricsSampler(registry, options.sampleIntervalMs ?? 1000, () => hub.emit('sample')),
    supervisor: new Supervisor({
      registry,
      logger,
      sinks,
      logsDir: paths.logsDir,
      onLine: (entry, stream, line) => {
        // Most of the time nobody follows: building the event would be work for nothing.
        if (hub.listenerCount('line') > 0) {
          hub.emit('line', { id: entry.id, name: entry.spec.name, stream, line, at: Date.now() });
        }
      },
      onSpawn: () => void state.save(),
    }),
    shuttingDown: false,
    reopenLogs() {
      logFile.reopen();
      return sinks.reopenAll() + 1;
    },
    busyApps: new Set(),
    appendToErrorLog(entry, line) {
      const path = entry.logs.err ?? entry.logs.combined;
      if (path === null) return;
      sinks.acquire(path, entry.spec.logs.rotation).write(`${new Date().toISOString()} ${line}\n`);
      sinks.release(path);
    },
    save: () => store.save(registry.all(), false),
    async stopAllForShutdown() {
      state.shuttingDown = true;
      const running = registry.all().filter((entry) => entry.proc !== null).length;
      await Promise.all(registry.all().map((entry) => state.supervisor.stop(entry, false)));
      await store.save(registry.all(), true);
      return running;
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

  const saved = await store.load();
  if (saved && !saved.cleanShutdown && saved.apps.length > 0) await restoreAfterCrash(state, saved);
  server = await listen(state, handlers);
  await state.save();
  state.sampler.start();
  logger.info(`daemon ${process.pid} listening on ${paths.socket}`);
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
