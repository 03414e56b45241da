import { describe, expect, it } from 'vitest';
import { checkParams, readRequest } from '../../src/protocol/request.js';
import { usageError } from '../helpers/usage-error.js';

function refused(frame: unknown): { id: number | null; reason: string } {
  const result = readRequest(frame);
  if (result.ok) throw new Error('expected a refusal');
  return { id: result.id, reason: result.reason };
}

describe('readRequest', () => {
  it('takes {id, method, params}, with params defaulting to {}', () => {
    expect(readRequest({ id: 3, method: 'list', params: {} })).toEqual({ ok: true, request: { id: 3, method: 'list', params: {} } });
    expect(readRequest({ id: 0, method: 'ping' })).toEqual({ ok: true, request: { id: 0, method: 'ping', params: {} } });
  });

  it('refuses what is not an object, without an id', () => {
    expect(refused([1, 2])).toEqual({ id: null, reason: 'expected an object {id, method, params}, got a list' });
    expect(refused('list')).toEqual({ id: null, reason: 'expected an object {id, method, params}, got "list"' });
    expect(refused(null).id).toBeNull();
  });

  it('refuses a missing, fractional, negative or non-number id', () => {
    for (const id of [undefined, 1.5, -1, '1', 2 ** 60]) {
      expect(refused({ id, method: 'list' })).toMatchObject({ id: null, reason: expect.stringMatching(/^id must be a whole number/) });
    }
  });

  it('refuses an unknown method with its id, quoting at most 40 characters of it', () => {
    expect(refused({ id: 4, method: 'frobnicate' })).toEqual({ id: 4, reason: 'unknown method "frobnicate"' });
    const long = refused({ id: 5, method: 'm'.repeat(1_000_000) });
    expect(long.id).toBe(5);
    expect(long.reason.length).toBeLessThan(80);
    expect(refused({ id: 6, method: ['list'] })).toEqual({ id: 6, reason: 'unknown method a list' });
    expect(refused({ id: 7, method: 'toString' }).reason).toBe('unknown method "toString"');
  });

  it('refuses a method nested 100,000 levels with a short reason and the id (JSON.stringify of it would throw)', () => {
    const method = JSON.parse(`${'['.repeat(100_000)}${']'.repeat(100_000)}`) as unknown;
    expect(refused({ id: 8, method })).toEqual({ id: 8, reason: 'the request is too large: nested deeper than 32 levels' });
  });

  it('refuses params nested too deep, or too many, naming the limit', () => {
    const env = JSON.parse(`${'{"a":'.repeat(100_000)}1${'}'.repeat(100_000)}`) as unknown;
    expect(refused({ id: 9, method: 'restart', params: { targets: ['all'], env } })).toEqual({
      id: 9,
      reason: 'the request is too large: nested deeper than 32 levels',
    });
    const targets = Array.from({ length: 20_000 }, (_, i) => String(i));
    expect(refused({ id: 10, method: 'stop', params: { targets } }).reason).toBe('the request is too large: more than 10000 values and keys');
  });

  it('refuses params that are not an object', () => {
    for (const params of [null, [], 'all', 3]) {
      expect(refused({ id: 11, method: 'stop', params })).toMatchObject({ id: 11, reason: expect.stringMatching(/^params of stop must be an object/) });
    }
  });

  it('reads the id of an object only: an array with an id property has none', () => {
    const array = Object.assign([], { id: 3 });
    expect(refused(array).id).toBeNull();
  });
});

describe('checkParams', () => {
  it('passes what the CLI sends', () => {
    expect(() => checkParams('restart', { targets: ['web'], env: { PATH: '/bin', HOME: '/root' } })).not.toThrow();
    expect(() => checkParams('reload', { targets: ['web'] })).not.toThrow();
    expect(() => checkParams('start', { kind: 'script', input: { script: '/a.js', env: { A: '1' } }, force: false })).not.toThrow();
    expect(() => checkParams('start', { kind: 'targets', targets: ['web'] })).not.toThrow();
    expect(() => checkParams('list', {})).not.toThrow();
  });

  it('refuses an env value that is not a string with E_USAGE naming the variable', () => {
    expect(usageError(() => checkParams('restart', { targets: ['all'], env: { a: {} } })).message).toBe(
      'restart: env: a must be a string, got an object. Environment variables are text: send "a": "<value>".',
    );
    expect(usageError(() => checkParams('reload', { targets: ['all'], env: { PORT: 3000 } })).message).toContain('PORT must be a string, got a number');
    expect(usageError(() => checkParams('start', { kind: 'script', input: { script: '/a.js', env: { L: [1] } } })).message).toContain(
      'start: env: L must be a string, got a list',
    );
  });

  it('refuses an env that is not a map, has too many variables, or too many bytes', () => {
    usageError(() => checkParams('restart', { targets: ['all'], env: 'A=1' }));
    usageError(() => checkParams('restart', { targets: ['all'], env: ['A=1'] }));
    const many = Object.fromEntries(Array.from({ length: 4097 }, (_, i) => [`V${i}`, '']));
    expect(usageError(() => checkParams('restart', { targets: ['all'], env: many })).message).toContain('4097 variables; at most 4096');
    const big = Object.fromEntries(Array.from({ length: 8 }, (_, i) => [`V${i}`, 'x'.repeat(100_000)]));
    expect(usageError(() => checkParams('restart', { targets: ['all'], env: big })).message).toMatch(/the environment is \d+ bytes; at most 524288/);
    expect(usageError(() => checkParams('restart', { targets: ['all'], env: { ONE: 'x'.repeat(200_000) } })).message).toContain(
      "ONE is 200004 bytes; one variable may hold at most 131071 (the kernel's limit)",
    );
  });

  it('refuses names that are not variable names and values with NUL bytes', () => {
    expect(usageError(() => checkParams('restart', { targets: ['all'], env: { 'A=B': 'x' } })).message).toContain('is not a variable name');
    expect(usageError(() => checkParams('restart', { targets: ['all'], env: { '': 'x' } })).message).toContain('is not a variable name');
    expect(usageError(() => checkParams('restart', { targets: ['all'], env: { A: 'x\0y' } })).message).toContain('holds a NUL byte');
  });
});
