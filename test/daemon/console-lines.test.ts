import { describe, expect, it } from 'vitest';
import { formatConsoleLine } from '../../src/daemon/foreground/console-lines.js';

const at = Date.UTC(2026, 0, 2, 3, 4, 5, 6);

describe("tsm-runtime's console lines", () => {
  it('prefixes an app line with its name and id, the daemon line with tsm', () => {
    expect(formatConsoleLine({ id: 3, name: 'web', stream: 'out', line: 'hello', at }, false, null)).toBe('web-3 | hello');
    expect(formatConsoleLine({ id: -1, name: 'tsm', stream: 'daemon', line: 'started', at }, false, null)).toBe('tsm | started');
  });

  it("puts the app's --log-date-format after the prefix", () => {
    expect(formatConsoleLine({ id: 0, name: 'web', stream: 'err', line: 'x', at }, false, '[at]')).toBe('web-0 | at x');
  });

  it('as JSON: time, app, id (null for the daemon), stream, message', () => {
    expect(JSON.parse(formatConsoleLine({ id: 0, name: 'web', stream: 'err', line: 'a "b"', at }, true, '[ignored]'))).toEqual({
      time: '2026-01-02T03:04:05.006Z',
      app: 'web',
      id: 0,
      stream: 'err',
      message: 'a "b"',
    });
    expect(JSON.parse(formatConsoleLine({ id: -1, name: 'tsm', stream: 'daemon', line: 'x', at }, true, null))).toMatchObject({ id: null, app: 'tsm' });
  });
});
