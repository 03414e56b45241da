import { describe, expect, it } from 'vitest';
import { overlapAtJoin } from '../../src/cli/logs/join-tail.js';

describe('joining a file tail and the live lines', () => {
  it('drops the live lines the tail already ends with', () => {
    expect(overlapAtJoin(['a', 'b', 'c'], ['b', 'c', 'd'])).toBe(2);
    expect(overlapAtJoin(['a', 'b', 'c'], ['c'])).toBe(1);
  });

  it('drops nothing when the live lines came after the tail was read', () => {
    expect(overlapAtJoin(['a', 'b'], ['c', 'd'])).toBe(0);
    expect(overlapAtJoin([], ['c'])).toBe(0);
    expect(overlapAtJoin(['a'], [])).toBe(0);
  });

  it('needs the whole run to match, not a line in the middle', () => {
    expect(overlapAtJoin(['a', 'b', 'c'], ['b', 'x'])).toBe(0);
  });

  it('drops everything when every live line is already in the file', () => {
    expect(overlapAtJoin(['a', 'b', 'c'], ['a', 'b', 'c'])).toBe(3);
  });
});
