import { unlink } from 'node:fs/promises';
import { parseLogMode } from '../core/home-safety.js';
import { checkSocketPath, homePaths } from '../core/paths.js';
import { EventHub } from './event-hub.js';
import { handlers } from './handlers/index.js';
import { secureHome } from './home-check.js';
import { TsmError } from '../core/errors.js';
import { parseSchedulingPolicy, SCHEDULING_ENV, type SchedulingPolicy } from '../core/cluster-scheduling.js';
import { bootScheduling } from './scheduling.js';
import { Logger } from './logger.js';
import { AppendFile } from './logs/append-file.js';
import { acquirePidLock, releasePidLock } from './pid-lock.js';
import { spawnRealProcess } from './process/spawn-process.js';
import { buildDaemonState } from './build-state.js';
import { DEFAULT_CADENCE, type Cadence } from './sample-cadence.js';
import { registerSaved, restoreSaved } from './restore.js';
import { listen } from './server.js';
import type { ControlSocket } from './socket/control-socket.js';
import type { DaemonState } from './state.js';

export interface DaemonOptions {
  home: string;
  /** How often processes are measured (tests); DEFAULT_CADENCE otherwise. */
  sampleCadence?: Cadence;
  /** The same daemon run in the foreground (tsm-runtime, the systemd unit): see foreground/run.ts. */
  foreground?: ForegroundHooks;
}

/** What the foreground mode adds to the daemon; everything else is the daemon as it always runs. */
export interface ForegroundHooks {
  /** The state is built, nothing is loaded yet: follow its lines from the first one. */
  attach(state: DaemonState, stop: (why: string, code: number) => void): void;
  /** The socket listens: start the apps. Handles its own failures (by calling `stop`). */
  ready(state: DaemonState): Promise<void>;
  /** A second SIGTERM/SIGINT while the apps stop: the orchestrator's patience is over. */
  force(state: DaemonState): void;
}

/** After a forced stop, the longest the daemon waits for its shutdown to finish before exiting. */
const FORCED_EXIT_MS = 3000;

/**
 * Runs the daemon for one home until it is told to stop (`tsm kill`, SIGTERM, SIGINT).
 * Resolves with the exit code; the entry file is the one that exits.
 */
export async function runDaemon(options: DaemonOptions): Promise<number> {
  const paths = homePaths(options.home);
  checkSocketPath(paths);
  process.title = `tsm: daemon ${paths.home}`;
  const logMode = parseLogMode(process.env['TSM_LOG_MODE']);
  const schedulingEnv = process.env[SCHEDULING_ENV];
  const scheduling: SchedulingPolicy | undefined = schedulingEnv ? parseSchedulingPolicy(schedulingEnv, SCHEDULING_ENV) : undefined;
  forgetEnvironment();
  await secureHome(paths);
  const hub = new EventHub();
  const logFile = new AppendFile(paths.daemonLog);
  const logger = new Logger(logFile, (line) => {
    if (hub.listenerCount('line') > 0) hub.emit('line', { id: -1, name: 'tsm', stream: 'daemon', line, at: Date.now() });
  });

  const lock = await acquirePidLock(paths.pidFile);
  if (!lock.acquired) {
    if (options.foreground) {
      throw new TsmError(
        'E_HOME',
        `a tsm daemon (pid ${lock.owner}) already serves ${paths.home}. Stop it with 'tsm kill' (or 'tsm save' first, to take its apps along), or set TSM_HOME to another directory.`,
      );
    }
    logger.info(`daemon ${lock.owner} already serves ${paths.home}; pid ${process.pid} exits`);
    return 0;
  }

  let finish: (code: number) => void = () => {};
  const finished = new Promise<number>((resolve) => {
    finish = resolve;
  });

  // Declared before the state that calls it: the reply to `kill` goes out, then the shutdown.
  let shutdown: (why: string, code?: number) => Promise<void> = async () => {};
  const { state, triggers } = buildDaemonState({
    paths,
    logger,
    hub,
    logFile,
    logMode,
    sampleCadence: options.sampleCadence ?? DEFAULT_CADENCE,
    spawnProcess: spawnRealProcess,
    requestShutdown: () => setImmediate(() => void shutdown('kill')),
  });
  const { sinks, store } = state;
  // Before anything can fork a cluster worker (a restore, a start): Node fixes the policy then.
  const settingsProblem = await state.settings.load();
  if (settingsProblem) logger.warn(settingsProblem);
  bootScheduling(state, scheduling);

  let server: ControlSocket | null = null;
  let closing = false;
  let exitCode = 0;
  shutdown = async (why: string, code = 0): Promise<void> => {
    if (closing) return;
    closing = true;
    exitCode = code;
    logger.info(`shutting down (${why})`);
    await state.stopAllForShutdown();
    state.sampler.stop();
    triggers.closeAll();
    server?.close();
    await state.metricsEndpoint.close();
    await unlink(paths.socket).catch(() => {});
    await sinks.closeAll();
    await releasePidLock(paths.pidFile);
    logger.info('daemon stopped');
    finish(exitCode);
  };

  const foreground = options.foreground;
  const onSignal = (name: string): void => {
    if (closing && foreground) {
      // In a terminal or a container, a second Ctrl-C or SIGTERM means: stop waiting now.
      logger.warn(`${name} again: killing every app (SIGKILL) and exiting`);
      exitCode = 1;
      foreground.force(state);
      setTimeout(() => finish(1), FORCED_EXIT_MS);
      return;
    }
    void shutdown(name);
  };
  process.on('SIGTERM', () => onSignal('SIGTERM'));
  process.on('SIGINT', () => onSignal('SIGINT'));
  process.on('SIGHUP', () => {}); // detached: a hangup is not ours to die of
  // PM2's signal for an external logrotate: open every log file again by its path.
  process.on('SIGUSR2', () => logger.info(`SIGUSR2: reopened ${state.reopenLogs()} log file(s)`));
  // A bug in the daemon must not take every app down with it: log it and keep serving.
  process.on('uncaughtException', (error) => logger.error('uncaught exception (daemon keeps running)', error));
  process.on('unhandledRejection', (error) => logger.error('unhandled rejection (daemon keeps running)', error));

  foreground?.attach(state, (why, code) => void shutdown(why, code));

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
  // Queued before the socket listens: the socket accepts requests while listen() still awaits
  // its chmod, and a `tsm metrics enable` served before the boot read settings.json would then
  // be undone by it (the boot's listen failing on the port the enable had just taken).
  void state.metricsEndpoint.boot();
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
  if (foreground) void foreground.ready(state);
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
