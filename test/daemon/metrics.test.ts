import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { MetricsSampler, type MeasureUsage, type Usage } from '../../src/daemon/metrics.js';
import type { ProcEntry, Registry } from '../../src/daemon/registry.js';
import { MemoryLimits } from '../../src/daemon/triggers/memory-limit.js';
import { waitFor } from '../helpers/wait.js';

const MB = 1024 * 1024;
const CADENCE = { fastMs: 1000, slowMs: 5000 };

function fakeRegistry(entries: Array<Partial<ProcEntry>>): Registry {
  return { all: () => entries as ProcEntry[] } as unknown as Registry;
}

/** A running process entry; `limit` is its app's max_memory_restart in bytes (0: none). */
function running(id: number, pid: number, limit = 0): Partial<ProcEntry> {
  return {
    id,
    status: 'online',
    proc: { pid } as ProcEntry['proc'],
    sample: null,
    spec: { name: `app${id}`, maxMemoryRestart: limit } as ProcEntry['spec'],
  };
}

/** Measures from a table the test changes; records the time of every call. */
function fakeMeasure(memory: Map<number, number>): MeasureUsage & { calls: number[] } {
  const calls: number[] = [];
  const measure = async (pids: number[]): Promise<Record<number, Usage | null>> => {
    calls.push(Date.now());
    const result: Record<number, Usage | null> = {};
    for (const pid of pids) {
      const bytes = memory.get(pid);
      result[pid] = bytes === undefined ? null : { cpu: 1.25, memory: bytes };
    }
    return result;
  };
  return Object.assign(measure, { calls });
}

describe('MetricsSampler on a fake clock', () => {
  const samplers: MetricsSampler[] = [];
  beforeEach(() => {
    vi.useFakeTimers({ now: 0 });
  });
  afterEach(() => {
    for (const sampler of samplers.splice(0)) sampler.stop();
    vi.useRealTimers();
  });

  function sampler(entries: Array<Partial<ProcEntry>>, measure: MeasureUsage, extra: { onSample?: () => void; hasSubscribers?: () => boolean } = {}) {
    const made = new MetricsSampler(fakeRegistry(entries), { cadence: CADENCE, measure, now: () => Date.now(), ...extra });
    samplers.push(made);
    return made;
  }

  it('runs no timer with no live process and no subscriber', () => {
    const made = sampler([{ proc: null, sample: null }], fakeMeasure(new Map()));
    made.start();
    made.wake();
    expect(made.active).toBe(false);
    expect(made.intervalMs).toBeNull();
  });

  it('samples running processes every slow interval when nobody needs more, the first one a second after the wake', async () => {
    const measure = fakeMeasure(new Map([[101, 30 * MB]]));
    const made = sampler([running(0, 101)], measure);
    made.wake();
    expect(made.intervalMs).toBe(5000);
    await vi.advanceTimersByTimeAsync(21_000);
    expect(measure.calls).toEqual([1000, 6000, 11_000, 16_000, 21_000]);
  });

  it('updates each figure in place and asks for every pid in one call', async () => {
    const memory = new Map([
      [101, 30 * MB],
      [102, 40 * MB],
    ]);
    const asked: number[][] = [];
    const measure = fakeMeasure(memory);
    const entries = [running(0, 101), running(1, 102)];
    const made = sampler(entries, (pids) => {
      asked.push([...pids]);
      return measure(pids);
    });
    made.wake();
    await vi.advanceTimersByTimeAsync(1000);
    const first = entries[0]!.sample;
    expect(first).toEqual({ cpu: 1.3, memory: 30 * MB });
    memory.set(101, 35 * MB);
    await vi.advanceTimersByTimeAsync(5000);
    expect(entries[0]!.sample).toBe(first); // the same object: nothing new for the collector per tick
    expect(first).toEqual({ cpu: 1.3, memory: 35 * MB });
    expect(asked).toEqual([
      [101, 102],
      [101, 102],
    ]);
  });

  it('restarts a process over its memory limit within a second, where the slow cadence would take five', async () => {
    const memory = new Map([
      [101, 30 * MB],
      [102, 30 * MB],
    ]);
    const entries = [running(0, 101), running(1, 102, 100 * MB)];
    const restarted: Array<{ at: number; name: string }> = [];
    const limits = new MemoryLimits(fakeRegistry(entries), async (name) => {
      restarted.push({ at: Date.now(), name });
    });
    const made = sampler(entries, fakeMeasure(memory), { onSample: () => limits.check() });
    made.wake();
    expect(made.intervalMs).toBe(1000);
    await vi.advanceTimersByTimeAsync(7200);
    memory.set(102, 120 * MB); // crosses its limit at 7.2 s
    await vi.advanceTimersByTimeAsync(800);
    expect(restarted).toEqual([{ at: 8000, name: 'app1' }]);
  });

  it('goes fast while a subscriber listens (its first table within a second), and slow again when it leaves', async () => {
    let subscribed = false;
    const measure = fakeMeasure(new Map([[101, 30 * MB]]));
    const made = sampler([running(0, 101)], measure, { hasSubscribers: () => subscribed });
    made.wake();
    await vi.advanceTimersByTimeAsync(3000); // the slow tick after 1 s is now armed for 6 s
    subscribed = true;
    made.wake(); // what the daemon does when a 'sample' listener is added
    expect(made.intervalMs).toBe(1000);
    await vi.advanceTimersByTimeAsync(5000);
    expect(measure.calls).toEqual([1000, 4000, 5000, 6000, 7000, 8000]);
    subscribed = false;
    await vi.advanceTimersByTimeAsync(11_000);
    expect(measure.calls.slice(6)).toEqual([9000, 14_000, 19_000]);
    expect(made.intervalMs).toBe(5000);
  });

  it('ticks for a subscriber with no process at all, and stops when it leaves', async () => {
    let subscribed = true;
    let tables = 0;
    const made = sampler([], fakeMeasure(new Map()), { hasSubscribers: () => subscribed, onSample: () => (tables += 1) });
    made.wake();
    await vi.advanceTimersByTimeAsync(3000);
    expect(tables).toBe(3);
    subscribed = false;
    await vi.advanceTimersByTimeAsync(1000);
    expect(tables).toBe(4);
    expect(made.active).toBe(false);
  });

  it('is not postponed by a burst of wakes (apps starting one after another)', async () => {
    const entries: Array<Partial<ProcEntry>> = [];
    const measure = fakeMeasure(new Map());
    const made = sampler(entries, measure);
    const wakes: number[] = [];
    for (let i = 0; i < 10; i += 1) {
      entries.push(running(i, 200 + i));
      wakes.push(Date.now());
      made.wake();
      await vi.advanceTimersByTimeAsync(400);
    }
    await vi.advanceTimersByTimeAsync(600);
    // Every spawn is measured within a second of it, by a few samples shared between them.
    for (const wake of wakes) expect(measure.calls.some((at) => at > wake && at <= wake + 1000)).toBe(true);
    expect(measure.calls).toEqual([1000, 2200, 3400, 4600]);
  });

  it('forgets the figures of a process that is gone, and stops at the first tick that finds none', async () => {
    const entries = [running(0, 101)];
    const made = sampler(entries, fakeMeasure(new Map([[101, 30 * MB]])));
    made.wake();
    await vi.advanceTimersByTimeAsync(1000);
    expect(entries[0]!.sample).not.toBeNull();
    entries[0]!.proc = null;
    await vi.advanceTimersByTimeAsync(5000);
    expect(entries[0]!.sample).toBeNull();
    expect(made.active).toBe(false);
  });

  it('reports nothing for a process whose measure failed, and keeps sampling', async () => {
    const entries = [running(0, 101)];
    let fail = true;
    const made = sampler(entries, async (pids) => {
      if (fail) throw new Error('No matching pid found');
      return { [pids[0]!]: { cpu: 0, memory: MB } };
    });
    made.wake();
    await vi.advanceTimersByTimeAsync(1000);
    expect(entries[0]!.sample).toBeNull();
    fail = false;
    await vi.advanceTimersByTimeAsync(5000);
    expect(entries[0]!.sample).toEqual({ cpu: 0, memory: MB });
  });
});

describe('MetricsSampler with pidusage', () => {
  it('measures a real process', async () => {
    const entry = running(0, process.pid);
    const made = new MetricsSampler(fakeRegistry([entry]), { cadence: { fastMs: 10, slowMs: 10 } });
    try {
      made.wake();
      await waitFor('a first sample', () => entry.sample !== null);
      expect(entry.sample!.memory).toBeGreaterThan(MB);
    } finally {
      made.stop();
    }
  });
});
