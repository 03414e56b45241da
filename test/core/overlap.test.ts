import { describe, expect, it } from 'vitest';
import { decideOverlap, OP_KINDS, overlapOf, type OpKind } from '../../src/core/overlap.js';

const STARTERS: OpKind[] = ['create', 'start', 'restart', 'reload', 'scale', 'revive', 'restore'];

describe('what overlapping operations on one app do', () => {
  it('lets a stop win over anything that would make a process run', () => {
    for (const earlier of STARTERS.filter((kind) => kind !== 'revive')) {
      expect(overlapOf(earlier, 'stop'), `${earlier} then stop`).toBe('supersede');
    }
  });

  it('lets a delete win over everything but a stop, delete, crash restart or shutdown, which it waits for', () => {
    for (const earlier of OP_KINDS) {
      const waits: OpKind[] = ['stop', 'delete', 'revive', 'shutdown'];
      const expected = waits.includes(earlier) ? 'wait' : 'supersede';
      expect(overlapOf(earlier, 'delete'), `${earlier} then delete`).toBe(expected);
    }
  });

  it('refuses a restart, reload or scale while another one runs', () => {
    for (const earlier of ['restart', 'reload', 'scale'] as const) {
      for (const newcomer of ['restart', 'reload', 'scale'] as const) expect(overlapOf(earlier, newcomer)).toBe('refuse');
    }
  });

  it('starts nothing once the daemon shuts down, and lets the shutdown cancel everything', () => {
    for (const newcomer of STARTERS) expect(overlapOf('shutdown', newcomer), `shutdown then ${newcomer}`).toBe('refuse');
    for (const earlier of OP_KINDS.filter((kind) => kind !== 'shutdown')) {
      expect(overlapOf(earlier, 'shutdown'), `${earlier} then shutdown`).toBe('supersede');
    }
  });

  it('makes a crash restart wait for commands and commands wait for it', () => {
    for (const other of OP_KINDS.filter((kind) => kind !== 'shutdown')) {
      expect(overlapOf('revive', other)).toBe('wait');
      expect(overlapOf(other, 'revive')).toBe('wait');
    }
  });

  it('never refuses a stop or a delete, whatever runs: they always get their turn', () => {
    for (const earlier of OP_KINDS) {
      expect(overlapOf(earlier, 'stop')).not.toBe('refuse');
      expect(overlapOf(earlier, 'delete')).not.toBe('refuse');
    }
  });

  it('decides against the running and the queued operations together', () => {
    expect(decideOverlap([], 'restart')).toEqual({ refusedBy: null, cancel: [] });
    expect(decideOverlap(['stop', 'restart'], 'reload')).toEqual({ refusedBy: 'restart', cancel: [] });
    expect(decideOverlap(['restart', 'start', 'stop'], 'stop')).toEqual({ refusedBy: null, cancel: [0, 1] });
    expect(decideOverlap(['reload', 'create', 'revive'], 'delete')).toEqual({ refusedBy: null, cancel: [0, 1] });
  });

  it('cancels nothing when it refuses', () => {
    expect(decideOverlap(['start', 'shutdown'], 'create')).toEqual({ refusedBy: 'shutdown', cancel: [] });
  });
});
