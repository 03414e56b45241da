import { describe, expect, it } from 'vitest';
import { mapBounded } from '../../src/cli/map-bounded.js';

const turn = (): Promise<void> => new Promise((resolve) => setImmediate(resolve));

describe('mapBounded', () => {
  it('runs at most `limit` at once and returns results in the items’ order', async () => {
    let running = 0;
    let most = 0;
    const items = [5, 1, 4, 2, 3, 0, 6];
    const results = await mapBounded(items, 3, String, async (n) => {
      running += 1;
      most = Math.max(most, running);
      for (let i = 0; i < n; i += 1) await turn();
      running -= 1;
      return n * 10;
    });
    expect(results).toEqual(items.map((n) => n * 10));
    expect(most).toBe(3);
  });

  it('runs items of one key one after another, in their order', async () => {
    const log: string[] = [];
    await mapBounded(['a:slow', 'b:x', 'a:fast'], 4, (item) => item.split(':')[0]!, async (item) => {
      log.push(`start ${item}`);
      if (item.endsWith('slow')) for (let i = 0; i < 5; i += 1) await turn();
      log.push(`end ${item}`);
    });
    expect(log.indexOf('start a:fast')).toBeGreaterThan(log.indexOf('end a:slow'));
    expect(log.indexOf('start b:x')).toBeLessThan(log.indexOf('end a:slow'));
  });

  it('starts nothing after a failure, lets the running ones end, and throws the earliest failure', async () => {
    const started: number[] = [];
    const ended: number[] = [];
    const failure = mapBounded([0, 1, 2, 3, 4, 5], 2, String, async (n) => {
      started.push(n);
      for (let i = 0; i < (n === 0 ? 4 : 1); i += 1) await turn();
      ended.push(n);
      if (n === 1 || n === 0) throw new Error(`app ${n} failed`);
      return n;
    });
    await expect(failure).rejects.toThrow('app 0 failed');
    expect(started).not.toContain(3);
    expect(ended.sort()).toEqual([...started].sort());
  });

  it('is an empty list for no items', async () => {
    expect(await mapBounded([], 4, String, async () => 1)).toEqual([]);
  });
});
