import { describe, expect, it } from 'vitest';
import { TsmError } from '../../src/core/errors.js';
import { toLogInput, type LogOptionNames } from '../../src/core/log-input.js';

const FLAGS = { maxSize: '--log-max-size', type: '--log-type' } as LogOptionNames;
const FIELDS = { maxSize: 'log_max_size', type: 'log_type' } as LogOptionNames;

function messageOf(run: () => unknown): string {
  try {
    run();
  } catch (error) {
    expect(error).toBeInstanceOf(TsmError);
    return (error as TsmError).message;
  }
  throw new Error('expected a TsmError');
}

describe('toLogInput', () => {
  it('resolves paths against the app cwd, keeps NULL, and turns --time into the default format', () => {
    expect(toLogInput({ out: 'logs/o.log', err: 'NULL', combined: '/var/log/all.log', time: true }, '/srv/app', FLAGS)).toEqual({
      out: '/srv/app/logs/o.log',
      err: 'NULL',
      combined: '/var/log/all.log',
      dateFormat: 'YYYY-MM-DDTHH:mm:ss',
    });
    expect(toLogInput({ time: true, dateFormat: 'YYYY' }, '/', FLAGS)).toEqual({ dateFormat: 'YYYY' });
    expect(toLogInput({}, '/', FLAGS)).toEqual({});
  });

  it('names the option as the user typed it: a flag or an ecosystem field', () => {
    expect(messageOf(() => toLogInput({ maxSize: 'big' }, '/', FLAGS))).toMatch(/^--log-max-size big/);
    expect(messageOf(() => toLogInput({ maxSize: 'big' }, '/', FIELDS))).toMatch(/^log_max_size big/);
    expect(messageOf(() => toLogInput({ type: 'xml' }, '/', FIELDS))).toMatch(/^log_type xml: expected json/);
  });
});
