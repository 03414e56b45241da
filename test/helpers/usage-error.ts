import { expect } from 'vitest';
import { TsmError } from '../../src/core/errors.js';

/** Runs `fn`, expects it to throw a TsmError E_USAGE, and returns it so the message can be checked. */
export function usageError(fn: () => unknown): TsmError {
  try {
    fn();
  } catch (error) {
    expect(error).toBeInstanceOf(TsmError);
    expect((error as TsmError).code).toBe('E_USAGE');
    return error as TsmError;
  }
  throw new Error('expected an E_USAGE TsmError, but nothing was thrown');
}
