import { describe, expect, it } from 'vitest';
import {
  asTsmError,
  ERROR_CODES,
  exitCodeFor,
  fromWire,
  isErrorCode,
  TsmError,
} from '../../src/core/errors.js';

describe('TsmError', () => {
  it('is an Error with a name, a code and an optional cause', () => {
    const cause = new Error('EACCES');
    const error = new TsmError('E_HOME', 'cannot write', { cause });
    expect(error).toBeInstanceOf(Error);
    expect(error.name).toBe('TsmError');
    expect(error.code).toBe('E_HOME');
    expect(error.message).toBe('cannot write');
    expect(error.cause).toBe(cause);
  });

  it.each(ERROR_CODES)('%s survives a trip over the wire', (code) => {
    const wire = JSON.parse(JSON.stringify(new TsmError(code, `failed: ${code}`).toWire())) as unknown;
    expect(wire).toEqual({ code, message: `failed: ${code}` });
    const back = fromWire(wire);
    expect(back).toBeInstanceOf(TsmError);
    expect(back.code).toBe(code);
    expect(back.message).toBe(`failed: ${code}`);
  });

  it('toWire carries only code and message, never the stack or the cause', () => {
    const wire = new TsmError('E_SPAWN', 'no such interpreter', { cause: new Error('ENOENT') }).toWire();
    expect(Object.keys(wire).sort()).toEqual(['code', 'message']);
  });
});

describe('fromWire', () => {
  it.each([
    null,
    undefined,
    'E_USAGE',
    42,
    [],
    {},
    { code: 'E_USAGE' },
    { message: 'm' },
    { code: 'E_NOPE', message: 'm' },
    { code: 'E_USAGE', message: 42 },
  ])('turns %j into E_PROTOCOL, showing what came', (wire) => {
    const error = fromWire(wire);
    expect(error).toBeInstanceOf(TsmError);
    expect(error.code).toBe('E_PROTOCOL');
    expect(error.message).toContain('cannot read');
    if (wire !== undefined) expect(error.message).toContain(JSON.stringify(wire));
  });
});

describe('isErrorCode', () => {
  it('knows the closed set and nothing else', () => {
    expect(ERROR_CODES).toContain('E_USAGE');
    expect(ERROR_CODES).toContain('E_INTERNAL');
    expect(new Set(ERROR_CODES).size).toBe(ERROR_CODES.length);
    expect(isErrorCode('E_TIMEOUT')).toBe(true);
    expect(isErrorCode('e_timeout')).toBe(false);
    expect(isErrorCode('toString')).toBe(false);
    expect(isErrorCode(1)).toBe(false);
  });
});

describe('asTsmError', () => {
  it('returns a TsmError as it is', () => {
    const error = new TsmError('E_NOT_FOUND', 'no app web');
    expect(asTsmError(error)).toBe(error);
  });

  it('wraps a foreign Error as E_INTERNAL with the original as cause', () => {
    const original = new TypeError('x is undefined');
    const error = asTsmError(original);
    expect(error).toBeInstanceOf(TsmError);
    expect(error.code).toBe('E_INTERNAL');
    expect(error.message).toBe('x is undefined');
    expect(error.cause).toBe(original);
  });

  it('wraps anything thrown, even a string or undefined', () => {
    expect(asTsmError('boom')).toMatchObject({ code: 'E_INTERNAL', message: 'boom' });
    expect(asTsmError(undefined)).toMatchObject({ code: 'E_INTERNAL', message: 'undefined' });
    expect(asTsmError({ code: 'E_USAGE', message: 'looks like one' }).code).toBe('E_INTERNAL');
  });
});

describe('exitCodeFor', () => {
  it.each(ERROR_CODES)('%s', (code) => {
    expect(exitCodeFor(new TsmError(code, 'x'))).toBe(code === 'E_USAGE' ? 2 : 1);
  });
});
