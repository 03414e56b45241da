import { spawn, type ChildProcess } from 'node:child_process';
import { closeSync, constants, openSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { setTimeout as delay } from 'node:timers/promises';
import { parseSchedulingPolicy, SCHEDULING_ENV, type SchedulingPolicy } from '../core/cluster-scheduling.js';
import { daemonNodeFlags } from '../core/daemon-node-flags.js';
import { TsmError } from '../core/errors.js';
import { parseLogMode } from '../core/home-safety.js';
import type { HomePaths } from '../core/paths.js';
import { DaemonConnection } from './connection.js';
import { schedulingAtLaunch } from './scheduling-at-launch.js';

const DAEMON_ENTRY = join(__dirname, '..', 'daemon', 'entry.js');
export const LAUNCH_TIMEOUT_MS = 10_000;

/**
 * Starts a daemon for this home, detached in its own session with its output appended to its
 * log, and polls the socket until it answers. Two CLIs may do this at once: the daemons race for
 * the pid lock, the loser exits, and both CLIs connect to the winner.
 */
export async function launchDaemon(paths: HomePaths, env: NodeJS.ProcessEnv): Promise<DaemonConnection> {
  const daemonEnv = daemonEnvironment(env, paths.home);
  const launched = spawnDaemon(paths, daemonEnv, schedulingAtLaunch(paths.settingsFile, daemonEnv[SCHEDULING_ENV]));
  const deadline = Date.now() + LAUNCH_TIMEOUT_MS;
  while (Date.now() < deadline) {
    let connection: DaemonConnection;
    try {
      connection = await DaemonConnection.open({ socketPath: paths.socket, daemonLog: paths.daemonLog });
    } catch {
      // Not listening yet. A daemon that exited non-zero will not come; one that exited 0 lost
      // the race to another daemon, which we keep waiting for.
      if (launched.exitCode !== null && launched.exitCode !== 0) break;
      await delay(15);
      continue;
    }
    if (connection.daemon.pid !== launched.child.pid) await waitForLoser(launched);
    return connection;
  }
  const { exitCode } = launched;
  throw new TsmError(
    'E_DAEMON_START',
    `the tsm daemon did not start${exitCode ? ` (it exited with code ${exitCode})` : ` within ${LAUNCH_TIMEOUT_MS} ms`}. ` +
      `Last lines of ${paths.daemonLog}:\n${await tail(paths.daemonLog, 15)}`,
  );
}

interface LaunchedDaemon {
  child: ChildProcess;
  /** null while it runs. */
  exitCode: number | null;
  exited: Promise<void>;
}

/** Detached in its own session, its output appended to its log; the CLI does not wait for it. */
function spawnDaemon(paths: HomePaths, daemonEnv: NodeJS.ProcessEnv, scheduling: SchedulingPolicy): LaunchedDaemon {
  const log = openDaemonLog(paths.daemonLog);
  try {
    const child = spawn(process.execPath, daemonArguments(paths.home, scheduling), {
      detached: true,
      stdio: ['ignore', log, log],
      cwd: paths.home, // not the user's directory, which the daemon would otherwise keep busy
      env: daemonEnv,
    });
    child.unref();
    const launched: LaunchedDaemon = {
      child,
      exitCode: null,
      exited: new Promise((resolve) => {
        child.once('exit', (code) => {
          launched.exitCode = code ?? 1;
          resolve();
        });
        child.once('error', () => {
          launched.exitCode = 1;
          resolve();
        });
      }),
    };
    return launched;
  } finally {
    closeSync(log);
  }
}

/**
 * Another daemon answered first (two starts at once, or one started by hand) while ours may
 * still boot. Ours loses the pid lock as long as that one runs, and our open connection keeps it
 * running, so wait here for ours to exit: returned at once, a `tsm kill` right after could end
 * the other daemon before ours reached the lock, and ours would take the home over unseen.
 */
async function waitForLoser(launched: LaunchedDaemon): Promise<void> {
  if (launched.exitCode !== null) return;
  let timer: NodeJS.Timeout | undefined;
  const late = new Promise<boolean>((resolve) => {
    timer = setTimeout(() => resolve(true), LAUNCH_TIMEOUT_MS);
  });
  const timedOut = await Promise.race([launched.exited.then(() => false), late]);
  clearTimeout(timer);
  // Still booting after that long: it is ours, and a second daemon is the one thing not to leave.
  if (timedOut) launched.child.kill('SIGKILL');
}

/**
 * The daemon's command line after `node`: Node's flags for the daemon alone, which depend on the
 * cluster scheduling policy it will run (see core/daemon-node-flags.ts; the shell's NODE_OPTIONS
 * is not passed, see below), its entry, and the home on the command line so `ps` shows which
 * home a daemon serves.
 */
export function daemonArguments(home: string, scheduling: SchedulingPolicy): string[] {
  return [...daemonNodeFlags(scheduling), DAEMON_ENTRY, '--home', home];
}

/** The variables the daemon keeps from the CLI that starts it (see daemonEnvironment). */
const DAEMON_ENV = /^(PATH|HOME|TZ|LANG|LANGUAGE|LC_[A-Z_]+|TSM_LOG_MODE|TSM_CLUSTER_SCHEDULING)$/;

/**
 * The daemon runs for weeks and serves every shell, so it takes nothing from the one that
 * happened to start it: no NODE_OPTIONS (a `--require` hook or `--inspect` would apply to the
 * supervisor for its whole life), no NODE_EXTRA_CA_CERTS, no npm_* variables. It keeps TSM_HOME
 * (which home it serves; tests find a home's processes by it), PATH and HOME, the locale and TZ,
 * TSM_LOG_MODE and TSM_CLUSTER_SCHEDULING, checked here so a bad value fails this command
 * (exit 2) instead of the daemon.
 * Apps are not affected: each request carries the environment of the CLI that sent it.
 */
export function daemonEnvironment(env: NodeJS.ProcessEnv, home: string): NodeJS.ProcessEnv {
  const kept: NodeJS.ProcessEnv = {};
  for (const [key, value] of Object.entries(env)) {
    if (value !== undefined && DAEMON_ENV.test(key)) kept[key] = value;
  }
  if (kept['TSM_LOG_MODE'] !== undefined) parseLogMode(kept['TSM_LOG_MODE']);
  const scheduling = kept[SCHEDULING_ENV];
  if (scheduling !== undefined && scheduling !== '') parseSchedulingPolicy(scheduling, SCHEDULING_ENV);
  return { ...kept, TSM_HOME: home };
}

/** Appended to, never followed: a link planted at daemon.log would point the daemon's output elsewhere. */
function openDaemonLog(path: string): number {
  try {
    return openSync(path, constants.O_WRONLY | constants.O_APPEND | constants.O_CREAT | constants.O_NOFOLLOW, 0o600);
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    const why = code === 'ELOOP' ? 'it is a symbolic link, and tsm does not write through links' : (error as Error).message;
    throw new TsmError('E_HOME', `cannot open the daemon's log ${path}: ${why}. Remove it (tsm creates it again).`, { cause: error });
  }
}

async function tail(file: string, lines: number): Promise<string> {
  const text = await readFile(file, 'utf8').catch(() => '');
  return text.trimEnd().split('\n').slice(-lines).map((line) => `  ${line}`).join('\n');
}
