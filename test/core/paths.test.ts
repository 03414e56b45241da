import { isAbsolute, join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { TsmError } from '../../src/core/errors.js';
import {
  checkSocketPath,
  defaultLogFile,
  encodeLogName,
  homePaths,
  MAX_SOCKET_PATH_BYTES,
  resolveHome,
} from '../../src/core/paths.js';

describe('homePaths', () => {
  it('puts every file tsm keeps under the home', () => {
    expect(homePaths('/home/ann/.tsm')).toEqual({
      home: '/home/ann/.tsm',
      socket: '/home/ann/.tsm/tsm.sock',
      pidFile: '/home/ann/.tsm/daemon.pid',
      daemonLog: '/home/ann/.tsm/daemon.log',
      logsDir: '/home/ann/.tsm/logs',
      appsFile: '/home/ann/.tsm/apps.json',
      dumpFile: '/home/ann/.tsm/dump.json',
      settingsFile: '/home/ann/.tsm/settings.json',
    });
  });
});

describe('checkSocketPath', () => {
  /** A home whose socket path is exactly `bytes` long. */
  function homeWithSocketOf(bytes: number): string {
    const home = `/${'h'.repeat(bytes - '/'.length - '/tsm.sock'.length)}`;
    expect(Buffer.byteLength(homePaths(home).socket)).toBe(bytes);
    return home;
  }

  it('accepts a usual home', () => {
    expect(() => checkSocketPath(homePaths('/home/ann/.tsm'))).not.toThrow();
  });

  it('accepts a socket path of the maximum length, and refuses one byte more', () => {
    expect(MAX_SOCKET_PATH_BYTES).toBe(103);
    expect(() => checkSocketPath(homePaths(homeWithSocketOf(103)))).not.toThrow();
    expect(() => checkSocketPath(homePaths(homeWithSocketOf(104)))).toThrow(TsmError);
  });

  it('refuses a long home with E_HOME, naming TSM_HOME, the path and the limit', () => {
    const home = `/tmp/${'deeply/nested/'.repeat(10)}`;
    let thrown: unknown;
    try {
      checkSocketPath(homePaths(home));
    } catch (error) {
      thrown = error;
    }
    expect(thrown).toBeInstanceOf(TsmError);
    const error = thrown as TsmError;
    expect(error.code).toBe('E_HOME');
    expect(error.message).toContain('TSM_HOME');
    expect(error.message).toContain(homePaths(home).socket);
    expect(error.message).toContain(String(MAX_SOCKET_PATH_BYTES));
  });

  it('counts bytes, not characters', () => {
    // 40 three-byte characters: 40 characters, 120 bytes.
    const home = `/${'日'.repeat(40)}`;
    expect(homePaths(home).socket.length).toBeLessThan(MAX_SOCKET_PATH_BYTES);
    expect(() => checkSocketPath(homePaths(home))).toThrow(/TSM_HOME/);
  });
});

describe('resolveHome', () => {
  it('defaults to ~/.tsm', () => {
    expect(resolveHome({}, '/home/ann', '/work')).toBe('/home/ann/.tsm');
  });

  it('takes TSM_HOME when set', () => {
    expect(resolveHome({ TSM_HOME: '/srv/tsm' }, '/home/ann', '/work')).toBe('/srv/tsm');
  });

  it('ignores an empty TSM_HOME', () => {
    expect(resolveHome({ TSM_HOME: '' }, '/home/ann', '/work')).toBe('/home/ann/.tsm');
  });

  // The CLI spawns the daemon with `--home <home>` and `cwd: <home>`, so a relative TSM_HOME is
  // resolved twice: `TSM_HOME=h tsm ping` in /tmp/x starts a daemon listening on
  // /tmp/x/h/h/tsm.sock while the CLI polls /tmp/x/h/tsm.sock, and fails with E_DAEMON_START
  // after 10 s, leaving that daemon running.
  it('gives an absolute home even when TSM_HOME is relative', () => {
    expect(isAbsolute(resolveHome({ TSM_HOME: 'relative/home' }, '/home/ann', '/work'))).toBe(true);
  });
});

describe('defaultLogFile', () => {
  it("uses PM2's names: <name>-out.log and <name>-error.log", () => {
    expect(defaultLogFile('/h/logs', 'web', 'out')).toBe(join('/h/logs', 'web-out.log'));
    expect(defaultLogFile('/h/logs', 'web', 'error')).toBe(join('/h/logs', 'web-error.log'));
  });

  it('adds the instance for cluster workers: <name>-out-<id>.log, <name>-error-<id>.log', () => {
    expect(defaultLogFile('/h/logs', 'web', 'out', 0)).toBe('/h/logs/web-out-0.log');
    expect(defaultLogFile('/h/logs', 'web', 'error', 3)).toBe('/h/logs/web-error-3.log');
  });

  it('keeps the file name safe whatever the app name: one file name, no separator, no parent', () => {
    expect(defaultLogFile('/h/logs', 'api:v2@eu', 'out')).toBe('/h/logs/api%3Av2%40eu-out.log');
    expect(defaultLogFile('/h/logs', 'my.app_1-x', 'out')).toBe('/h/logs/my.app_1-x-out.log');
    expect(defaultLogFile('/h/logs', '../../etc/passwd', 'out')).toBe('/h/logs/..%2F..%2Fetc%2Fpasswd-out.log');
    expect(defaultLogFile('/h/logs', 'café', 'error', 2)).toBe('/h/logs/caf%C3%A9-error-2.log');
  });

  // Before: every unsafe character became '-', so `a:b` and `a@b` (and `a-b`) wrote one file.
  it('gives names that differ only in punctuation different files', () => {
    const names = ['a-b', 'a:b', 'a@b', 'a b', 'a%b', 'a%3Ab', 'a%253Ab', 'a+b', 'a~b', 'a\u00e9b', 'a\u0065\u0301b'];
    const files = names.map((name) => defaultLogFile('/h/logs', name, 'out'));
    expect(new Set(files).size).toBe(names.length);
  });

  it('is read back by decodeURIComponent, so no two names can share a file', () => {
    const alphabet = ['a', 'Z', '0', '.', '_', '-', '%', ':', '@', ' ', '/', '+', 'é', '日', '😀', '\u0000', '%2', '%41'];
    const seen = new Map<string, string>();
    // Every name of up to 3 pieces of the alphabet (some pieces are made of others: the same
    // name reached twice is one name).
    let names = [''];
    for (let round = 0; round < 3; round += 1) names = [...names, ...names.flatMap((name) => alphabet.map((piece) => name + piece))];
    for (const name of new Set(names)) {
      const encoded = encodeLogName(name);
      expect(encoded).toMatch(/^[A-Za-z0-9._%-]*$/);
      expect(decodeURIComponent(encoded)).toBe(name);
      expect(seen.get(encoded) ?? name).toBe(name);
      seen.set(encoded, name);
    }
  });

  it('keeps lone surrogates apart, which have no UTF-8 form', () => {
    expect(encodeLogName('a\ud800')).toBe('a%uD800');
    expect(encodeLogName('a\udc00')).toBe('a%uDC00');
    expect(encodeLogName('a\ud800')).not.toBe(encodeLogName('a\ufffd'));
  });
});
