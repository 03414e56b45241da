import { afterEach, describe, expect, it } from 'vitest';
import { MetricsSampler } from '../../src/daemon/metrics.js';
import type { ProcEntry, Registry } from '../../src/daemon/registry.js';
import { waitFor } from '../helpers/wait.js';

describe('MetricsSampler', () => {
  function fakeRegistry(entries: Array<Partial<ProcEntry>>): Registry {
    return { all: () => entries as ProcEntry[] } as unknown as Registry;
  }
  const samplers: MetricsSampler[] = [];
  afterEach(() => {
    for (const sampler of samplers.splice(0)) sampler.stop();
  });

  it('runs no timer with no live process and no subscriber', () => {
    const sampler = new MetricsSampler(fakeRegistry([{ proc: null, sample: null }]), 10);
    samplers.push(sampler);
    sampler.start();
    sampler.wake();
    expect(sampler.active).toBe(false);
  });

  it('samples while a process lives, and stops by itself at the first tick after it is gone', async () => {
    const entry: Partial<ProcEntry> = { proc: { pid: process.pid } as ProcEntry['proc'], sample: null };
    let ticks = 0;
    const sampler = new MetricsSampler(fakeRegistry([entry]), 10, () => (ticks += 1));
    samplers.push(sampler);
    sampler.start();
    expect(sampler.active).toBe(true);
    await waitFor('a first sample', () => entry.sample !== null && ticks > 0);
    expect(entry.sample!.memory).toBeGreaterThan(0);
    entry.proc = null;
    await waitFor('the timer to stop', () => !sampler.active);
    expect(entry.sample).toBeNull();
  });

  it('keeps ticking for a subscriber with no app, and stops when it leaves', async () => {
    let subscribed = true;
    let ticks = 0;
    const sampler = new MetricsSampler(fakeRegistry([]), 10, () => (ticks += 1), () => subscribed);
    samplers.push(sampler);
    sampler.wake();
    await waitFor('three ticks', () => ticks >= 3);
    subscribed = false;
    await waitFor('the timer to stop', () => !sampler.active);
  });
});
