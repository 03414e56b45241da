import { describe, expect, it } from 'vitest';
import {
  DEFAULT_DATE_FORMAT,
  DEFAULT_ROTATION,
  defaultLogSpec,
  isNullFile,
  logFilesFor,
  type LogSpec,
} from '../../src/core/log-spec.js';
import { parseRotateInterval, parseSize } from '../../src/core/parse.js';
import { usageError } from '../helpers/usage-error.js';

const LOGS = '/home/u/.tsm/logs';

function spec(overrides: Partial<LogSpec> = {}): LogSpec {
  return { ...defaultLogSpec(), ...overrides };
}

describe('logFilesFor', () => {
  it('names a fork app’s files <name>-out.log and <name>-error.log in the logs folder', () => {
    expect(logFilesFor('api', spec(), LOGS, false, 7)).toEqual({
      out: `${LOGS}/api-out.log`,
      err: `${LOGS}/api-error.log`,
      combined: null,
    });
  });

  it('gives each cluster instance its own files, suffixed with its id', () => {
    expect(logFilesFor('web', spec(), LOGS, true, 0)).toEqual({
      out: `${LOGS}/web-out-0.log`,
      err: `${LOGS}/web-error-0.log`,
      combined: null,
    });
    expect(logFilesFor('web', spec(), LOGS, true, 12)).toMatchObject({
      out: `${LOGS}/web-out-12.log`,
      err: `${LOGS}/web-error-12.log`,
    });
  });

  it('drops the suffix when cluster logs are merged', () => {
    const merged = spec({ merge: true, combined: '/srv/app/all.log' });
    for (const id of [0, 1, 5]) {
      expect(logFilesFor('web', merged, LOGS, true, id)).toEqual({
        out: `${LOGS}/web-out.log`,
        err: `${LOGS}/web-error.log`,
        combined: '/srv/app/all.log',
      });
    }
  });

  it('uses a given path as is in fork mode', () => {
    const given = spec({ out: '/srv/app/logs/out.log', err: '/srv/app/logs/err.txt', combined: '/srv/app/both.log' });
    expect(logFilesFor('api', given, LOGS, false, 3)).toEqual({
      out: '/srv/app/logs/out.log',
      err: '/srv/app/logs/err.txt',
      combined: '/srv/app/both.log',
    });
  });

  it('puts -<id> before the extension of a given path in cluster mode', () => {
    const given = spec({ out: '/srv/app/logs/out.log', err: '/srv/app/err', combined: '/srv/app/both.v2.log' });
    expect(logFilesFor('web', given, LOGS, true, 2)).toEqual({
      out: '/srv/app/logs/out-2.log',
      err: '/srv/app/err-2',
      combined: '/srv/app/both.v2-2.log',
    });
  });

  it('turns a stream’s file off with null, leaving the other stream’s file', () => {
    expect(logFilesFor('api', spec({ out: null }), LOGS, false, 0)).toEqual({
      out: null,
      err: `${LOGS}/api-error.log`,
      combined: null,
    });
    expect(logFilesFor('web', spec({ err: null }), LOGS, true, 1)).toEqual({
      out: `${LOGS}/web-out-1.log`,
      err: null,
      combined: null,
    });
    expect(logFilesFor('api', spec({ out: null, err: null, combined: '/srv/c.log' }), LOGS, false, 0)).toEqual({
      out: null,
      err: null,
      combined: '/srv/c.log',
    });
  });

  it('keeps the combined file next to the per-stream files', () => {
    expect(logFilesFor('api', spec({ combined: '/srv/app/api.log' }), LOGS, false, 0)).toEqual({
      out: `${LOGS}/api-out.log`,
      err: `${LOGS}/api-error.log`,
      combined: '/srv/app/api.log',
    });
    expect(logFilesFor('web', spec({ combined: '/srv/app/web.log' }), LOGS, true, 4).combined).toBe('/srv/app/web-4.log');
  });

  it('makes a name safe for a file name', () => {
    expect(logFilesFor('a:b@c', spec(), LOGS, false, 0).out).toBe(`${LOGS}/a%3Ab%40c-out.log`);
  });
});

describe('isNullFile', () => {
  it.each(['NULL', '/dev/null'])('%s turns a file off', (path) => {
    expect(isNullFile(path)).toBe(true);
  });

  it.each(['null', 'nul', 'NULL.log', './NULL', '/dev/nullx', 'out.log', ''])('%j is a file', (path) => {
    expect(isNullFile(path)).toBe(false);
  });
});

describe('defaults', () => {
  it('rotates at 10 MB, keeps 5 files, uncompressed, without an interval', () => {
    expect(DEFAULT_ROTATION).toEqual({ maxSize: 10 * 1024 * 1024, retain: 5, compress: false, interval: null });
  });

  it('starts plain: text lines, no date, no combined file, no merge, default rotation', () => {
    expect(defaultLogSpec()).toEqual({ combined: null, merge: false, dateFormat: null, type: 'text', rotation: DEFAULT_ROTATION });
  });

  it('gives each spec its own rotation object', () => {
    const a = defaultLogSpec();
    a.rotation.maxSize = 1;
    expect(defaultLogSpec().rotation.maxSize).toBe(10 * 1024 * 1024);
    expect(DEFAULT_ROTATION.maxSize).toBe(10 * 1024 * 1024);
  });

  it('--time without a format prints local time to the second', () => {
    expect(DEFAULT_DATE_FORMAT).toBe('YYYY-MM-DDTHH:mm:ss');
  });
});

describe('parseSize', () => {
  it.each([
    ['10M', 10 * 1024 * 1024],
    ['500K', 500 * 1024],
    ['1G', 1024 ** 3],
    ['2048', 2048],
    ['0', 0],
    ['10m', 10 * 1024 * 1024],
    ['10MB', 10 * 1024 * 1024],
    ['100B', 100],
    [' 64K ', 64 * 1024],
    [4096, 4096],
  ])('%j is %d bytes', (raw, bytes) => {
    expect(parseSize('--log-max-size', raw)).toBe(bytes);
  });

  it.each(['abc', '', '10X', '1.5M', '-1', 'M', '10 M M'])('rejects %j with a message naming the flag', (raw) => {
    const error = usageError(() => parseSize('--log-max-size', raw));
    expect(error.message).toMatch(/^--log-max-size /);
    expect(error.message).toContain('10M');
  });
});

describe('parseRotateInterval', () => {
  it.each(['1d', '7d', '1M', '12h', '6h', '1h', '24h', '30m', '15m', '1m', '30s', ' 1d '])('accepts %j', (raw) => {
    expect(parseRotateInterval('--log-rotate-interval', raw)).toBe(raw.trim());
  });

  it.each(['7h', '45m', '7s', 'x', '', '0d', '0h', 'd', '1w', '1.5h', '-1d', '1 d'])(
    'rejects %j with E_USAGE and a message naming the flag',
    (raw) => {
      const error = usageError(() => parseRotateInterval('--log-rotate-interval', raw));
      expect(error.message).toMatch(/^--log-rotate-interval /);
      expect(error.message).toContain('12h');
    },
  );
});
