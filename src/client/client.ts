import { existsSync } from 'node:fs';
import { setTimeout as delay } from 'node:timers/promises';
import { TsmError } from '../core/errors.js';
import { checkSocketPath, type HomePaths } from '../core/paths.js';
import { TSM_VERSION } from '../protocol/version.js';
import { DaemonConnection } from './connection.js';
import { ensureHome } from './home.js';
import { daemonFromPidFile } from './daemon-pid.js';
import { LAUNCH_TIMEOUT_MS, launchDaemon } from './launch-daemon.js';

export interface ClientOptions {
  paths: HomePaths;
  env: NodeJS.ProcessEnv;
  /** Start a daemon when none runs (commands that need apps); false for read-only probes. */
  launch: boolean;
  /** `kill` must work against a daemon of another version, or an upgrade could never finish. */
  allowVersionMismatch?: boolean;
  /** How long to wait for the socket of a daemon that runs without one (default: as for a launch). */
  socketWaitMs?: number;
}

/**
 * Connects to this home's daemon, starting it if asked, or if the last one crashed; null when none
 * runs and launch is false. Only a command that starts a daemon creates the home: `tsm list` in
 * a fresh shell leaves none.
 */
export async function connectDaemon(options: ClientOptions): Promise<DaemonConnection | null> {
  const { paths } = options;
  checkSocketPath(paths);
  if (options.launch) await ensureHome(paths);
  let connection: DaemonConnection | null;
  try {
    connection = await DaemonConnection.open({ socketPath: paths.socket, daemonLog: paths.daemonLog });
  } catch (error) {
    if (!isNotRunning(error)) throw unusableHome(paths, error) ?? error;
    // A live daemon without a socket is starting, or re-creating a deleted socket: wait for it,
    // never start a second one nor say that none runs.
    connection = await waitForSocket(paths, options.socketWaitMs ?? LAUNCH_TIMEOUT_MS);
    if (!connection) {
      // A daemon that died without a clean shutdown left its pid file: even a read-only command
      // starts a new one, which restores the apps and ends what the dead one left running.
      if (!options.launch && !existsSync(paths.pidFile)) return null;
      connection = await launchDaemon(paths, options.env);
    }
  }
  if (!connection.versionMatches && !options.allowVersionMismatch) {
    connection.close();
    throw new TsmError(
      'E_VERSION',
      `the daemon for ${paths.home} runs tsm ${connection.daemon.version}, and this CLI is tsm ${TSM_VERSION}. ` +
        `Run 'tsm update' to move your apps to a daemon of this version (they restart), as 'pm2 update' does.`,
    );
  }
  return connection;
}

/** A home that cannot hold a socket (below a file, not ours to enter) says so by name. */
function unusableHome(paths: HomePaths, error: unknown): TsmError | null {
  const code = (error as { cause?: NodeJS.ErrnoException })?.cause?.code;
  if (code !== 'ENOTDIR' && code !== 'EACCES') return null;
  return new TsmError(
    'E_HOME',
    `TSM_HOME ${paths.home} cannot be used: ${code} (its socket cannot be reached there). Set TSM_HOME to a directory you can write.`,
    { cause: error },
  );
}

/** No socket file, or a socket file nobody listens on (a daemon that died). */
function isNotRunning(error: unknown): boolean {
  const cause = (error as { cause?: NodeJS.ErrnoException })?.cause;
  return cause?.code === 'ENOENT' || cause?.code === 'ECONNREFUSED';
}

/**
 * Connects once the socket of the daemon named by the pid file is back; null when no live daemon
 * is named (or it died meanwhile), which means none runs. Past the deadline, an error that says
 * what is going on: the daemon re-creates a deleted socket by itself.
 */
async function waitForSocket(paths: HomePaths, waitMs: number): Promise<DaemonConnection | null> {
  const deadline = Date.now() + waitMs;
  let lastError: unknown = null;
  for (;;) {
    const pid = daemonFromPidFile(paths);
    if (pid === null) return null;
    if (Date.now() > deadline) {
      const missing = (lastError as { cause?: NodeJS.ErrnoException } | null)?.cause?.code !== 'ECONNREFUSED';
      throw new TsmError(
        'E_DAEMON_GONE',
        `a daemon runs for ${paths.home} (pid ${pid}) but its socket ${paths.socket} is ${missing ? 'missing' : 'not accepting connections'}; ` +
          `it re-creates it by itself, try again in a moment. If this lasts, see ${paths.daemonLog}.`,
      );
    }
    await delay(25);
    try {
      return await DaemonConnection.open({ socketPath: paths.socket, daemonLog: paths.daemonLog });
    } catch (error) {
      if (!isNotRunning(error)) throw unusableHome(paths, error) ?? error;
      lastError = error;
    }
  }
}
