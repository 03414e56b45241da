import { join, resolve } from 'node:path';
import { TsmError } from './errors.js';

/** Every file tsm keeps, computed from the home the entry point was given. */
export interface HomePaths {
  home: string;
  socket: string;
  pidFile: string;
  daemonLog: string;
  logsDir: string;
  appsFile: string;
  /** What `tsm save` wrote and `tsm resurrect` starts again (PM2's dump). */
  dumpFile: string;
  /** The daemon's settings (the metrics endpoint), kept across daemon restarts. */
  settingsFile: string;
}

/**
 * sockaddr_un.sun_path is 108 bytes on Linux (104 on macOS) including the NUL. Paths longer than
 * this fail at bind() with an obscure error, so they are refused up front with the variable to change.
 */
export const MAX_SOCKET_PATH_BYTES = 103;

export function homePaths(home: string): HomePaths {
  return {
    home,
    socket: join(home, 'tsm.sock'),
    pidFile: join(home, 'daemon.pid'),
    daemonLog: join(home, 'daemon.log'),
    logsDir: join(home, 'logs'),
    appsFile: join(home, 'apps.json'),
    dumpFile: join(home, 'dump.json'),
    settingsFile: join(home, 'settings.json'),
  };
}

export function checkSocketPath(paths: HomePaths): void {
  const length = Buffer.byteLength(paths.socket);
  if (length > MAX_SOCKET_PATH_BYTES) {
    throw new TsmError(
      'E_HOME',
      `TSM_HOME is too long: the control socket ${paths.socket} would be ${length} bytes, ` +
        `and unix sockets allow ${MAX_SOCKET_PATH_BYTES}. Set TSM_HOME to a shorter directory.`,
    );
  }
}

/**
 * The home chosen by the environment: TSM_HOME, else ~/.tsm, always absolute (a relative
 * TSM_HOME is taken from `cwd`), because the daemon runs in another directory than the CLI.
 */
export function resolveHome(env: NodeJS.ProcessEnv, userHome: string, cwd: string): string {
  const fromEnv = env['TSM_HOME'];
  return fromEnv && fromEnv.length > 0 ? resolve(cwd, fromEnv) : join(userHome, '.tsm');
}

/**
 * PM2's naming, so logrotate configs and habits carry over: <name>-out.log, <name>-error.log,
 * <name>-out-<id>.log. The name is percent-encoded outside [A-Za-z0-9._-] ('%' included), so two
 * apps whose names differ only in punctuation (`a:b`, `a@b`, `a-b`) never share a file, while the
 * names people use (`web`, `api-v2`, `my.app_1`) stay exactly as PM2 writes them.
 */
export function defaultLogFile(logsDir: string, name: string, stream: 'out' | 'error', instance?: number): string {
  const suffix = instance === undefined ? '' : `-${instance}`;
  return join(logsDir, `${encodeLogName(name)}-${stream}${suffix}.log`);
}

/**
 * Injective: kept characters stand for themselves, any other code point becomes its UTF-8 bytes
 * as %XX (as decodeURIComponent reads them back), and a lone UTF-16 surrogate, which has no UTF-8
 * form, becomes %uXXXX ('u' is no hex digit, so it cannot be read as a byte).
 */
export function encodeLogName(name: string): string {
  let encoded = '';
  for (const char of name) {
    if (/^[A-Za-z0-9._-]$/.test(char)) {
      encoded += char;
    } else if (char.length === 1 && char.charCodeAt(0) >= 0xd800 && char.charCodeAt(0) <= 0xdfff) {
      encoded += `%u${char.charCodeAt(0).toString(16).toUpperCase()}`;
    } else {
      for (const byte of Buffer.from(char, 'utf8')) encoded += `%${byte.toString(16).toUpperCase().padStart(2, '0')}`;
    }
  }
  return encoded;
}
