import { TsmError } from '../core/errors.js';
import type { HomePaths } from '../core/paths.js';
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

/** Connects to this home's daemon, starting it if asked; null when none runs and launch is false. */
export async function connectDaemon(options: ClientOptions): Promise<DaemonConnection | null> {
  const { paths } = options;
  await ensureHome(paths);
  let connection: DaemonConnection;
  try {
    connection = await DaemonConnection.open({ socketPath: paths.socket, daemonLog: paths.daemonLog });
  } catch (error) {
    if (!isNotRunning(error)) throw error;
    if (!options.launch) return null;
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

/** No socket file, or a socket file nobody listens on (a daemon that died). */
function isNotRunning(error: unknown): boolean {
  const cause = (error as { cause?: NodeJS.ErrnoException })?.cause;
  return cause?.code === 'ENOENT' || cause?.code === 'ECONNREFUSED';
}
