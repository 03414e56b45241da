import { describe, expect, it } from 'vitest';
import { TsmError } from '../../src/core/errors.js';
import { judgeHome, judgeLogsDir, parseLogMode, type DirFacts } from '../../src/core/home-safety.js';

const DIR = 0o040000;
const ME = 1000;

function dir(path: string, uid: number, mode: number): DirFacts {
  return { path, isDirectory: true, uid, mode: DIR | mode };
}

function refusal(judge: () => unknown): TsmError {
  try {
    judge();
  } catch (error) {
    if (error instanceof TsmError) return error;
    throw error;
  }
  throw new Error('expected a refusal');
}

describe('judgeHome', () => {
  it('leaves a private home of ours alone', () => {
    expect(judgeHome(dir('/h', ME, 0o700), ME)).toEqual({ chmodTo: null });
  });

  it.each([0o755, 0o750, 0o777, 0o500, 0o2770])('makes a home of ours with mode %o private (0700)', (mode) => {
    expect(judgeHome(dir('/h', ME, mode), ME)).toEqual({ chmodTo: 0o700 });
  });

  it('refuses a home owned by another user, naming the path, the owner and what to do', () => {
    const error = refusal(() => judgeHome(dir('/srv/tsm', 65534, 0o700), ME));
    expect(error.code).toBe('E_HOME');
    expect(error.message).toBe(
      'TSM_HOME /srv/tsm is owned by uid 65534, and tsm runs as uid 1000; tsm keeps its socket and logs there, ' +
        'so it must be yours: chown it to uid 1000, or set TSM_HOME to another directory.',
    );
  });

  it('refuses a home owned by root for another user, and one owned by a user for root', () => {
    expect(refusal(() => judgeHome(dir('/h', 0, 0o700), ME)).message).toMatch(/owned by uid 0/);
    expect(refusal(() => judgeHome(dir('/h', ME, 0o700), 0)).message).toMatch(/owned by uid 1000, and tsm runs as uid 0/);
  });

  // Making /tmp 0700 would lock every other user (and service) out of it.
  it('refuses a shared (sticky) directory instead of making it private', () => {
    const error = refusal(() => judgeHome(dir('/tmp', ME, 0o1777), ME));
    expect(error.code).toBe('E_HOME');
    expect(error.message).toMatch(/^TSM_HOME \/tmp is a shared directory \(mode 1777, sticky\).*such as \/tmp\/tsm\.$/);
  });

  it('refuses something that is not a directory', () => {
    expect(refusal(() => judgeHome({ path: '/h', isDirectory: false, uid: ME, mode: 0o100600 }, ME)).message).toMatch(
      /TSM_HOME \/h is not a directory/,
    );
  });
});

describe('judgeLogsDir', () => {
  it('leaves one of ours that others cannot write alone, read bits included', () => {
    expect(judgeLogsDir(dir('/h/logs', ME, 0o700), ME)).toEqual({ chmodTo: null });
    expect(judgeLogsDir(dir('/h/logs', ME, 0o755), ME)).toEqual({ chmodTo: null });
  });

  it('takes the write bits of group and others from one of ours', () => {
    expect(judgeLogsDir(dir('/h/logs', ME, 0o777), ME)).toEqual({ chmodTo: 0o755 });
    expect(judgeLogsDir(dir('/h/logs', ME, 0o770), ME)).toEqual({ chmodTo: 0o750 });
  });

  it("refuses another user's, saying when others can write it", () => {
    const writable = refusal(() => judgeLogsDir(dir('/h/logs', 65534, 0o777), ME));
    expect(writable.code).toBe('E_HOME');
    expect(writable.message).toBe(
      '/h/logs is owned by uid 65534, writable by others (mode 0777), and tsm (uid 1000) keeps its log files there, ' +
        'so it must be yours: chown it to uid 1000, or move it away (tsm creates it again).',
    );
    expect(refusal(() => judgeLogsDir(dir('/h/logs', 65534, 0o755), ME)).message).toMatch(/^\/h\/logs is owned by uid 65534, and tsm/);
  });

  it('refuses a file in its place', () => {
    expect(refusal(() => judgeLogsDir({ path: '/h/logs', isDirectory: false, uid: ME, mode: 0o100644 }, ME)).message).toMatch(
      /\/h\/logs is not a directory/,
    );
  });
});

describe('parseLogMode', () => {
  it('is 0600 by default', () => {
    expect(parseLogMode(undefined)).toBe(0o600);
    expect(parseLogMode('')).toBe(0o600);
  });

  it('takes 0600 and 0640, with or without the leading zero', () => {
    expect(parseLogMode('0600')).toBe(0o600);
    expect(parseLogMode('640')).toBe(0o640);
    expect(parseLogMode('0640')).toBe(0o640);
  });

  it.each(['0644', '0666', '0700', '0660', 'rw-r-----', '0o640', ' 0640'])('refuses %j with E_USAGE, naming the choices', (raw) => {
    const error = refusal(() => parseLogMode(raw));
    expect(error.code).toBe('E_USAGE');
    expect(error.message).toContain(`TSM_LOG_MODE=${raw}:`);
    expect(error.message).toContain('0600');
    expect(error.message).toContain('0640');
  });
});
