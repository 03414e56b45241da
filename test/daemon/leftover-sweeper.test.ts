import { describe, expect, it } from 'vitest';
import { LeftoverSweeper } from '../../src/daemon/process/leftover-sweeper.js';
import type { LeftoverQuery } from '../../src/daemon/process/orphans.js';

/**
 * The sweeper with a fake /proc: `leftovers` maps an app process id to what it left running.
 * Records every search (the ids it covered) and every ending (pids and signal).
 */
function fakeSweeper(leftovers: Record<number, number[]>, spacingMs = 40) {
  const searches: number[][] = [];
  const since: number[] = [];
  const ended: Array<{ pids: readonly number[]; signal: string }> = [];
  const sweeper = new LeftoverSweeper({
    home: '/home',
    live: () => [],
    spacingMs,
    found: () => {},
    failed: (error) => {
      throw error;
    },
    find: (query: LeftoverQuery) => {
      searches.push([...query.ids].sort((a, b) => a - b));
      since.push(query.bornSince ?? 0);
      return new Map([...query.ids].filter((id) => leftovers[id]).map((id) => [id, leftovers[id]!]));
    },
    end: async (pids, signal) => {
      ended.push({ pids, signal });
    },
  });
  return { sweeper, searches, ended, since };
}

const rules = (label: string, killSignal = 'SIGINT', bornSince = 0) => ({ killSignal, killTimeout: 1000, label, bornSince });
const turn = (): Promise<void> => new Promise((resolve) => setImmediate(resolve));

describe('LeftoverSweeper', () => {
  it('searches for exits close together at once, and ends the leftovers of each', async () => {
    const { sweeper, searches, ended, since } = fakeSweeper({ 1: [101], 2: [201, 202], 3: [301] });
    // The first exit after a quiet spell is searched at the next turn, alone.
    await sweeper.afterExit(0, rules('a'));
    expect(searches).toEqual([[0]]);
    // A burst right after shares the next search, `spacingMs` after the first.
    const burst = [1, 2, 3].map((id) => sweeper.afterExit(id, rules(`app ${id}`, id === 2 ? 'SIGTERM' : 'SIGINT', 500 - id)));
    await turn();
    expect(searches).toEqual([[0]]);
    await Promise.all(burst);
    expect(searches).toEqual([[0], [1, 2, 3]]);
    // Only processes younger than the oldest of the exited ones are read.
    expect(since).toEqual([0, 497]);
    expect(ended).toEqual([
      { pids: [101], signal: 'SIGINT' },
      { pids: [201, 202], signal: 'SIGTERM' },
      { pids: [301], signal: 'SIGINT' },
    ]);
  });

  it('resolves an exit only once a search that covers it has ended its leftovers', async () => {
    const { sweeper, ended } = fakeSweeper({ 7: [701] });
    await sweeper.afterExit(6, rules('first'));
    let done = false;
    const exit = sweeper.afterExit(7, rules('second')).then(() => (done = true));
    await turn();
    expect(done).toBe(false);
    expect(ended).toEqual([]);
    await exit;
    expect(ended).toEqual([{ pids: [701], signal: 'SIGINT' }]);
  });

  it('searches at once for a pending id when asked (before a spawn or a stop of that id)', async () => {
    const { sweeper, searches, ended } = fakeSweeper({ 4: [401] });
    await sweeper.afterExit(9, rules('other'));
    const exit = sweeper.afterExit(4, rules('restarted'));
    sweeper.searchNow(5); // not pending: nothing to do
    expect(searches).toEqual([[9]]);
    sweeper.searchNow(4);
    expect(searches).toEqual([[9], [4]]);
    expect(ended).toEqual([{ pids: [401], signal: 'SIGINT' }]);
    await exit;
    // The search that was scheduled is cancelled: the next exit's search, which comes after the
    // time it was due, is the only one after it.
    await sweeper.afterExit(10, rules('later'));
    expect(searches).toEqual([[9], [4], [10]]);
  });
});
