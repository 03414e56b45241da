import { describe, expect, it } from 'vitest';
import { checkBounds, clip, describeValue, REQUEST_BOUNDS, type Bounds } from '../../src/protocol/bounds.js';
import { MAX_REQUEST_BYTES } from '../../src/protocol/frames.js';

/** `levels` arrays inside each other, parsed as a client would send them. */
function nestedArrays(levels: number): unknown {
  return JSON.parse(`${'['.repeat(levels)}${']'.repeat(levels)}`);
}

function nestedObjects(levels: number): unknown {
  return JSON.parse(`${'{"a":'.repeat(levels)}1${'}'.repeat(levels)}`);
}

const small: Bounds = { maxDepth: 3, maxValues: 10, maxStringLength: 5 };

describe('checkBounds', () => {
  it('accepts requests as the CLI sends them', () => {
    const env = Object.fromEntries(Array.from({ length: 300 }, (_, i) => [`VAR_${i}`, `value ${i}`]));
    const start = { id: 1, method: 'start', params: { kind: 'script', input: { script: '/a.js', env, args: ['x'], logs: { out: '/o' } } } };
    expect(checkBounds(start)).toBeNull();
    expect(checkBounds({ id: 2, method: 'list', params: {} })).toBeNull();
  });

  it('accepts scalars and empty containers', () => {
    for (const value of [null, 1, true, 'text', [], {}]) expect(checkBounds(value)).toBeNull();
  });

  it('counts nesting from the outer value: exactly maxDepth levels pass, one more fails', () => {
    expect(checkBounds(nestedArrays(REQUEST_BOUNDS.maxDepth))).toBeNull();
    expect(checkBounds(nestedArrays(REQUEST_BOUNDS.maxDepth + 1))).toBe('nested deeper than 32 levels');
    expect(checkBounds(nestedObjects(REQUEST_BOUNDS.maxDepth))).toBeNull();
    expect(checkBounds(nestedObjects(REQUEST_BOUNDS.maxDepth + 1))).toBe('nested deeper than 32 levels');
  });

  it('walks 500,000 levels (what a 1 MiB frame can hold) without recursing', () => {
    // JSON.stringify of this throws RangeError: a recursive walk would too.
    const deep = nestedArrays(500_000);
    expect(() => JSON.stringify(deep)).toThrow(RangeError);
    expect(checkBounds(deep)).toBe('nested deeper than 32 levels');
  });

  it('counts values and keys: an object counts each key and each value', () => {
    expect(checkBounds([1, 2, 3, 4, 5, 6, 7, 8, 9], small)).toBeNull(); // 1 + 9
    expect(checkBounds([1, 2, 3, 4, 5, 6, 7, 8, 9, 10], small)).toBe('more than 10 values and keys');
    expect(checkBounds({ a: 1, b: 2, c: 3, d: 4 }, small)).toBeNull(); // 1 + 8
    expect(checkBounds({ a: 1, b: 2, c: 3, d: 4, e: 5 }, small)).toBe('more than 10 values and keys');
    expect(checkBounds({ a: [1, 2, 3], b: { c: 3 } }, small)).toBeNull(); // 1 + 4 + 3 + 2
    expect(checkBounds({ a: [1, 2, 3, 4], b: { c: 3 } }, small)).toBe('more than 10 values and keys');
  });

  it('refuses a flat array of a million values at the count, before stacking them', () => {
    const wide = new Array<number>(1_000_000).fill(0);
    expect(checkBounds(wide)).toBe('more than 10000 values and keys');
  });

  it('bounds the length of strings and keys', () => {
    expect(checkBounds(['12345'], small)).toBeNull();
    expect(checkBounds(['123456'], small)).toBe('a string longer than 5 characters');
    expect(checkBounds({ '123456': 1 }, small)).toBe('a key longer than 5 characters');
    expect(REQUEST_BOUNDS.maxStringLength).toBe(MAX_REQUEST_BYTES);
  });
});

describe('clip', () => {
  it('keeps short text and cuts long text to the maximum, marked', () => {
    expect(clip('short', 10)).toBe('short');
    expect(clip('x'.repeat(300), 200)).toHaveLength(200);
    expect(clip('x'.repeat(300), 200).endsWith('…')).toBe(true);
  });
});

describe('describeValue', () => {
  it('says what a value is in a few words, whatever its size', () => {
    expect(describeValue(null)).toBe('null');
    expect(describeValue([1])).toBe('a list');
    expect(describeValue({ a: 1 })).toBe('an object');
    expect(describeValue(undefined)).toBe('nothing');
    expect(describeValue(42)).toBe('number 42');
    expect(describeValue('list')).toBe('"list"');
    expect(describeValue('m'.repeat(1_000_000)).length).toBeLessThan(50);
    expect(describeValue(nestedArrays(100_000))).toBe('a list');
  });
});
