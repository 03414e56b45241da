import { spawn } from 'node:child_process';
import { closeSync, openSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { setTimeout as delay } from 'node:timers/promises';
import { TsmError } from '../core/errors.js';
import type { HomePaths } from '../core/paths.js';
import { DaemonConnection } from './connection.js';

const DAEMON_ENTRY = join(__dirname, '..', 'daemon', 'entry.js');
export const LAUNCH_TIMEOUT_MS = 10_000;

/**
 * Starts a daemon for this home, detached in its own session with its output appended to its
 * log, and polls the socket until it answers. Two CLIs may do this at once: the daemons race for
 * the pid lock, the loser exits, and both CLIs connect to the winner.
 */
export async function launchDaemon(paths: HomePaths, env: NodeJS.ProcessEnv): Promise<DaemonConnection> {
  const log = openSync(paths.daemonLog, 'a', 0o600);
  let exitCode: number | null = null;
  try {
    const child = spawn(process.execPath, [DAEMON_ENTRY, '--home', paths.home], {
      detached: true,
      stdio: ['ignore', log, log],
      cwd: paths.home, // not the user's directory, which the daemon would otherwise keep busy
      env: { ...env, TSM_HOME: paths.home },
    });
    child.once('exit', (code) => {
      exitCode = code ?? 1;
    });
    child.once('error', () => {
      exitCode = 1;
    });
    child.unref();
  } finally {
    closeSync(log);
  }

  const deadline = Date.now() + LAUNCH_TIMEOUT_MS;
  while (Date.now() < deadline) {
    try {
      return await DaemonConnection.open({ socketPath: paths.socket, daemonLog: paths.daemonLog });
    } catch {
      // Not listening yet. A daemon that exited non-zero will not come; one that exited 0 lost
      // the race to another daemon, which we keep waiting for.
      if (exitCode !== null && exitCode !== 0) break;
      await delay(15);
    }
  }
  throw new TsmError(
    'E_DAEMON_START',
    `the tsm daemon did not start${exitCode ? ` (it exited with code ${exitCode})` : ` within ${LAUNCH_TIMEOUT_MS} ms`}. ` +
      `Last lines of ${paths.daemonLog}:\n${await tail(paths.daemonLog, 15)}`,
  );
}

async function tail(file: string, lines: number): Promise<string> {
  const text = await readFile(file, 'utf8').catch(() => '');
  return text.trimEnd().split('\n').slice(-lines).map((line) => `  ${line}`).join('\n');
}
