import { existsSync } from 'node:fs';
import { TsmError } from '../core/errors.js';
import { checkSocketPath, type HomePaths } from '../core/paths.js';
import { TSM_VERSION } from '../protocol/version.js';
import { DaemonConnection } from './connection.js';
import { ensureHome } from './home.js';
import { launchDaemon } from './launch-daemon.js';

export interface ClientOptions {
  paths: HomePaths;
  env: NodeJS.ProcessEnv;
  /** Start a daemon when none runs (commands that need apps); false for read-only probes. */
  launch: boolean;
  /** `kill` must work against a daemon of another version, or an upgrade could never finish. */
  allowVersionMismatch?: boolean;
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
  let connection: DaemonConnection;
  try {
    connection = await DaemonConnection.open({ socketPath: paths.socket, daemonLog: paths.daemonLog });
  } catch (error) {
    if (!isNotRunning(error)) throw unusableHome(paths, error) ?? error;
    // A daemon that died without a clean shutdown left its pid file: even a read-only command
    // starts a new one, which restores the apps and ends what the dead one left running.
    if (!options.launch && !existsSync(paths.pidFile)) return null;
    connection = await launchDaemon(paths, options.env);
  }
  if (!connection.versionMatches && !options.allowVersionMismatch) {
    connection.close();
    throw new TsmError(
      'E_VERSION',
      `the daemon for ${paths.home} runs tsm ${connection.daemon.version}, and this CLI is tsm ${TSM_VERSION}. ` +
        `Run 'tsm kill' to stop the old daemon (its apps stop too), then start your apps again.`,
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
