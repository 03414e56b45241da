import { describe, expect, it } from 'vitest';
import { TsmError } from '../../src/core/errors.js';
import {
  STATUSES,
  transition,
  type Status,
  type StatusEvent,
} from '../../src/core/status.js';

const EVENTS: readonly StatusEvent[] = ['spawn', 'up', 'stop', 'exited', 'crash', 'give-up', 'done', 'halt', 'abandon'];

/**
 * The documented life of a process, written out again here on purpose: a change to the table in
 * src/core/status.ts must be a change to this copy too. Pairs not listed are illegal.
 */
const EXPECTED: Record<StatusEvent, Partial<Record<Status, Status>>> = {
  spawn: { stopped: 'launching', errored: 'launching', 'waiting-restart': 'launching' },
  up: { launching: 'online' },
  stop: { launching: 'stopping', online: 'stopping' },
  exited: { stopping: 'stopped' },
  crash: { launching: 'waiting-restart', online: 'waiting-restart' },
  'give-up': { launching: 'errored', online: 'errored' },
  done: { launching: 'stopped', online: 'stopped' },
  halt: { 'waiting-restart': 'stopped', errored: 'stopped', stopped: 'stopped' },
  abandon: { launching: 'stopped' },
};

const PAIRS = STATUSES.flatMap((from) => EVENTS.map((event) => [from, event] as const));

describe('transition', () => {
  it('knows exactly six statuses', () => {
    expect([...STATUSES].sort()).toEqual(['errored', 'launching', 'online', 'stopped', 'stopping', 'waiting-restart']);
  });

  it('covers 54 (status, event) pairs, 17 of them legal', () => {
    expect(PAIRS).toHaveLength(54);
    expect(PAIRS.filter(([from, event]) => EXPECTED[event][from] !== undefined)).toHaveLength(17);
  });

  it.each(PAIRS)('%s + %s gives the documented status or throws E_INTERNAL', (from, event) => {
    const expected = EXPECTED[event][from];
    if (expected !== undefined) {
      expect(transition(from, event)).toBe(expected);
      return;
    }
    let thrown: unknown;
    try {
      transition(from, event);
    } catch (error) {
      thrown = error;
    }
    expect(thrown).toBeInstanceOf(TsmError);
    expect((thrown as TsmError).code).toBe('E_INTERNAL');
    expect((thrown as TsmError).message).toContain(`'${event}'`);
    expect((thrown as TsmError).message).toContain(`'${from}'`);
  });
});

describe('a life cycle', () => {
  function run(start: Status, events: StatusEvent[]): Status[] {
    const seen: Status[] = [start];
    for (const event of events) seen.push(transition(seen[seen.length - 1]!, event));
    return seen;
  }

  it('start, crash, restart, stop, start again, give up, halt', () => {
    expect(
      run('stopped', ['spawn', 'up', 'crash', 'spawn', 'up', 'stop', 'exited', 'spawn', 'give-up', 'halt']),
    ).toEqual([
      'stopped',
      'launching',
      'online',
      'waiting-restart',
      'launching',
      'online',
      'stopping',
      'stopped',
      'launching',
      'errored',
      'stopped',
    ]);
  });

  it('a clean exit ends in stopped, and an errored app can be started again', () => {
    expect(run('stopped', ['spawn', 'up', 'done'])).toEqual(['stopped', 'launching', 'online', 'stopped']);
    expect(run('errored', ['spawn', 'up'])).toEqual(['errored', 'launching', 'online']);
  });

  it('a stop never reads as a crash: once stopping, only exited is legal', () => {
    for (const event of EVENTS) {
      if (event === 'exited') expect(transition('stopping', event)).toBe('stopped');
      else expect(() => transition('stopping', event)).toThrow(TsmError);
    }
  });
});
