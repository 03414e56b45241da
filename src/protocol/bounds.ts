import { MAX_REQUEST_BYTES } from './frames.js';

/** How big a decoded value may be: nesting, how many values and keys in all, and one string's length. */
export interface Bounds {
  maxDepth: number;
  maxValues: number;
  maxStringLength: number;
}

/**
 * A request is a method name, an id and a few parameters: an environment of a few hundred
 * variables is the largest honest one. 32 levels and 10,000 values leave room for that (the env
 * alone may hold 4096 variables, 8192 values) and keep every later walk over a request (a
 * JSON.stringify to save it, a spread) far from the JS stack limit and quick.
 */
export const REQUEST_BOUNDS: Bounds = {
  maxDepth: 32,
  maxValues: 10_000,
  maxStringLength: MAX_REQUEST_BYTES,
};

/**
 * Checks a decoded JSON value against the bounds; null when within them, else what is wrong.
 * The walk keeps its own stack instead of recursing: a 1 MiB frame can nest 500,000 levels,
 * which JSON.parse accepts (it does not recurse) but any recursive walk, JSON.stringify
 * included, dies on. Children are counted before they are stacked, so the stack never holds
 * more than maxValues entries.
 */
export function checkBounds(value: unknown, bounds: Bounds = REQUEST_BOUNDS): string | null {
  const stack: Array<{ value: unknown; depth: number }> = [{ value, depth: 1 }];
  let count = 1;
  for (let item = stack.pop(); item !== undefined; item = stack.pop()) {
    const current = item.value;
    if (typeof current === 'string') {
      if (current.length > bounds.maxStringLength) return `a string longer than ${bounds.maxStringLength} characters`;
      continue;
    }
    if (current === null || typeof current !== 'object') continue;
    if (item.depth > bounds.maxDepth) return `nested deeper than ${bounds.maxDepth} levels`;
    if (Array.isArray(current)) {
      count += current.length;
      if (count > bounds.maxValues) return `more than ${bounds.maxValues} values and keys`;
      for (const child of current) stack.push({ value: child, depth: item.depth + 1 });
      continue;
    }
    const record = current as Record<string, unknown>;
    const keys = Object.keys(record);
    count += 2 * keys.length; // each key, and its value
    if (count > bounds.maxValues) return `more than ${bounds.maxValues} values and keys`;
    for (const key of keys) {
      if (key.length > bounds.maxStringLength) return `a key longer than ${bounds.maxStringLength} characters`;
      stack.push({ value: record[key], depth: item.depth + 1 });
    }
  }
  return null;
}

/** Text for a message or a log line, cut to `max` characters: what a client sent may be a megabyte. */
export function clip(text: string, max: number): string {
  return text.length > max ? `${text.slice(0, Math.max(0, max - 1))}…` : text;
}

/** What a value is, in a few words, without walking it: for messages about values that may be hostile. */
export function describeValue(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'a list';
  if (typeof value === 'string') return JSON.stringify(clip(value, 40));
  if (typeof value === 'object') return 'an object';
  if (typeof value === 'undefined') return 'nothing';
  return `${typeof value} ${clip(String(value), 40)}`;
}
