import { describe, expect, it } from 'vitest';
import {
  checkAppName,
  checkInstanceCount,
  MAX_INSTANCES,
  parseCount,
  parseDuration,
  parseExitCodes,
  parseInstances,
  parseSignal,
  resolveInstances,
  splitArgs,
} from '../../src/core/parse.js';
import { usageError } from '../helpers/usage-error.js';

describe('parseInstances', () => {
  it.each([
    ['max', 0],
    ['0', 0],
    ['-1', -1],
    ['4', 4],
    [' 4 ', 4],
    [3, 3],
  ])('%j is %d', (raw, expected) => {
    expect(parseInstances(raw)).toBe(expected);
  });

  it.each(['abc', '1.5', '', '4x', 'MAX', '--1'])('rejects %j with a message naming -i', (raw) => {
    const error = usageError(() => parseInstances(raw));
    expect(error.message).toMatch(/^-i /);
    expect(error.message).toContain('max');
  });
});

describe('instances, at most MAX_INSTANCES', () => {
  it('accepts up to 1024 and refuses more, from a flag or the wire, naming the flag and the limit', () => {
    expect(MAX_INSTANCES).toBe(1024);
    expect(parseInstances('1024')).toBe(1024);
    for (const raw of ['1025', '1000000000', '2147483647', '99999999999999999999']) {
      const error = usageError(() => parseInstances(raw));
      expect(error.message).toMatch(/^-i \d+: at most 1024 instances\. Use 'max'/);
    }
    expect(usageError(() => checkInstanceCount('instances', 1e9)).message).toBe(
      "instances 1000000000: at most 1024 instances. Use 'max' (or 0) for one per CPU.",
    );
  });

  it('takes any CPU offset (it resolves to at least one process) but only whole numbers', () => {
    expect(checkInstanceCount('instances', -1_000_000)).toBe(-1_000_000);
    for (const value of [1.5, '4', null, {}, Number.NaN, -(2 ** 60)]) {
      expect(usageError(() => checkInstanceCount('instances', value)).message).toContain('instances must be a whole number');
    }
  });
});

describe('resolveInstances', () => {
  it('keeps a positive count whatever the CPUs', () => {
    expect(resolveInstances(4, 2)).toBe(4);
    expect(resolveInstances(1, 64)).toBe(1);
  });

  it('reads 0 as one per CPU and -N as CPUs minus N', () => {
    expect(resolveInstances(0, 8)).toBe(8);
    expect(resolveInstances(-1, 8)).toBe(7);
    expect(resolveInstances(-3, 8)).toBe(5);
  });

  it('never goes below one process', () => {
    expect(resolveInstances(-8, 8)).toBe(1);
    expect(resolveInstances(-100, 4)).toBe(1);
    expect(resolveInstances(0, 0)).toBe(1);
  });
});

describe('parseDuration', () => {
  it.each([
    ['1500', 1500],
    ['1500ms', 1500],
    ['0', 0],
    ['2s', 2000],
    ['5m', 300_000],
    ['1h', 3_600_000],
    ['1d', 86_400_000],
    ['1.5s', 1500],
    [' 2s ', 2000],
    [250, 250],
  ])('%j is %d ms', (raw, expected) => {
    expect(parseDuration('--min-uptime', raw)).toBe(expected);
  });

  // Node's timers hold at most 2^31-1 ms (about 24.8 days); a longer delay fires after 1 ms with a
  // TimeoutOverflowWarning. The daemon waits --kill-timeout with timers/promises' setTimeout and
  // --restart-delay with setTimeout, so `--kill-timeout 30d` would SIGKILL at once.
  it('refuses a duration longer than a timer can wait (2^31-1 ms)', () => {
    expect(parseDuration('--kill-timeout', '2147483647')).toBe(2_147_483_647);
    const error = usageError(() => parseDuration('--kill-timeout', '30d'));
    expect(error.message).toMatch(/^--kill-timeout /);
  });

  it('rounds a fraction of a millisecond to a whole number', () => {
    expect(parseDuration('--restart-delay', '1.6')).toBe(2);
    expect(Number.isInteger(parseDuration('--restart-delay', '0.0015s'))).toBe(true);
  });

  it.each(['abc', '-1', '', '2 s', '2sec', '1e3', 's'])('rejects %j with a message naming the flag', (raw) => {
    const error = usageError(() => parseDuration('--restart-delay', raw));
    expect(error.message).toMatch(/^--restart-delay /);
  });
});

describe('parseCount', () => {
  it('accepts whole numbers at least the minimum', () => {
    expect(parseCount('--max-restarts', '0')).toBe(0);
    expect(parseCount('--max-restarts', '16')).toBe(16);
    expect(parseCount('--max-restarts', 7)).toBe(7);
    expect(parseCount('--max-restarts', '3', 3)).toBe(3);
  });

  it.each(['-1', '1.5', 'abc', '', '0x10'])('rejects %j', (raw) => {
    const error = usageError(() => parseCount('--max-restarts', raw));
    expect(error.message).toMatch(/^--max-restarts /);
  });

  it('rejects a number below the minimum and says the minimum', () => {
    const error = usageError(() => parseCount('--max-restarts', '2', 3));
    expect(error.message).toContain('at least 3');
  });
});

describe('parseSignal', () => {
  it('takes full names, short names and any case', () => {
    expect(parseSignal('--kill-signal', 'SIGTERM')).toBe('SIGTERM');
    expect(parseSignal('--kill-signal', 'term')).toBe('SIGTERM');
    expect(parseSignal('--kill-signal', 'sigusr2')).toBe('SIGUSR2');
    expect(parseSignal('--kill-signal', ' INT ')).toBe('SIGINT');
  });

  it.each(['NOPE', 'SIG', '', '9'])('rejects %j with a message naming the flag and suggesting signals', (raw) => {
    const error = usageError(() => parseSignal('--kill-signal', raw));
    expect(error.message).toMatch(/^--kill-signal /);
    expect(error.message).toContain('SIGTERM');
  });
});

describe('parseExitCodes', () => {
  it('takes codes as separate words or comma-separated', () => {
    expect(parseExitCodes('--stop-exit-codes', ['0', '3'])).toEqual([0, 3]);
    expect(parseExitCodes('--stop-exit-codes', ['0,3'])).toEqual([0, 3]);
    expect(parseExitCodes('--stop-exit-codes', ['0, 3', '255'])).toEqual([0, 3, 255]);
    expect(parseExitCodes('--stop-exit-codes', ['1,', ''])).toEqual([1]);
    expect(parseExitCodes('--stop-exit-codes', [])).toEqual([]);
  });

  it.each([['256'], ['x'], ['-1'], ['1.5'], ['0,x']])('rejects %j with a message naming the flag', (raw) => {
    const error = usageError(() => parseExitCodes('--stop-exit-codes', [raw]));
    expect(error.message).toMatch(/^--stop-exit-codes /);
    expect(error.message).toContain('0 to 255');
  });
});

describe('parseExitCodes, number spellings', () => {
  // Number() reads hex, binary and exponents, so these pass today, where parseCount (the same kind
  // of value: a whole number typed by a user) refuses them.
  it.each(['0x10', '1e2', '0b11'])('rejects %j as parseCount does', (raw) => {
    usageError(() => parseCount('--max-restarts', raw));
    const error = usageError(() => parseExitCodes('--stop-exit-codes', [raw]));
    expect(error.message).toMatch(/^--stop-exit-codes /);
  });
});

describe('splitArgs', () => {
  it('splits on any run of whitespace and drops empty words', () => {
    expect(splitArgs('--max-old-space-size=512 --inspect')).toEqual(['--max-old-space-size=512', '--inspect']);
    expect(splitArgs('  a \t b\nc  ')).toEqual(['a', 'b', 'c']);
    expect(splitArgs('')).toEqual([]);
    expect(splitArgs('   ')).toEqual([]);
  });
});

describe('checkAppName', () => {
  it.each(['web', 'api-v2', 'my_app.worker', 'app-12', '12a'])('accepts %j', (name) => {
    expect(checkAppName(name)).toBe(name);
  });

  it.each(['all', '12', '0', ' a', 'a/b', 'a\\b', 'a\tb', ''])('rejects %j with a message naming --name', (name) => {
    const error = usageError(() => checkAppName(name));
    expect(error.message).toMatch(/^--name /);
  });
});
