import { describe, expect, it } from 'vitest';
import { dueAfterSample, dueAfterWake, intervalFor, type SamplingNeeds } from '../../src/daemon/sample-cadence.js';

const CADENCE = { fastMs: 1000, slowMs: 5000 };
const needs = (over: Partial<SamplingNeeds> = {}): SamplingNeeds => ({ live: false, subscribers: false, memoryLimit: false, ...over });

describe('the sampling cadence', () => {
  it('has no interval with nothing to measure and no one to tell', () => {
    expect(intervalFor(needs(), CADENCE)).toBeNull();
  });

  it('is slow while processes run and nobody needs fresher figures', () => {
    expect(intervalFor(needs({ live: true }), CADENCE)).toBe(5000);
  });

  it('is fast while a subscriber listens, with or without processes', () => {
    expect(intervalFor(needs({ subscribers: true }), CADENCE)).toBe(1000);
    expect(intervalFor(needs({ live: true, subscribers: true }), CADENCE)).toBe(1000);
  });

  it('is fast while a process of an app with a memory limit runs', () => {
    expect(intervalFor(needs({ live: true, memoryLimit: true }), CADENCE)).toBe(1000);
  });

  it('keeps a steady rhythm from the start of each sample, never due in the past', () => {
    expect(dueAfterSample(10_000, 10_040, needs({ live: true }), CADENCE)).toBe(15_000);
    expect(dueAfterSample(10_000, 10_040, needs({ live: true, memoryLimit: true }), CADENCE)).toBe(11_000);
    // A sample that took longer than the interval: the next one at once, not a backlog.
    expect(dueAfterSample(10_000, 12_500, needs({ subscribers: true }), CADENCE)).toBe(12_500);
    expect(dueAfterSample(10_000, 10_040, needs(), CADENCE)).toBeNull();
  });

  it('answers a wake within one fast interval, and keeps a timer already due sooner', () => {
    const live = needs({ live: true });
    expect(dueAfterWake(20_000, null, live, CADENCE)).toBe(21_000);
    expect(dueAfterWake(20_000, 24_000, live, CADENCE)).toBe(21_000); // a slow tick was armed
    expect(dueAfterWake(20_000, 20_600, live, CADENCE)).toBeNull(); // already due sooner: kept
    expect(dueAfterWake(20_000, null, needs(), CADENCE)).toBeNull(); // nothing to do: no timer
  });

  it('over a minute on a fake clock: slow, fast while watched, slow again, then nothing', () => {
    // The rule driven the way the sampler drives it: a wake at 0 (a spawn), samples as they fall due.
    let current = needs({ live: true });
    const samples: number[] = [];
    let due = dueAfterWake(0, null, current, CADENCE);
    for (let now = 0; now <= 60_000; now += 100) {
      if (now === 20_000) {
        current = needs({ live: true, subscribers: true }); // monit opens
        due = dueAfterWake(now, due, current, CADENCE) ?? due;
      }
      if (now === 30_000) current = needs({ live: true }); // monit closes
      if (now === 50_000) current = needs(); // the last process stops
      if (due !== null && now >= due) {
        samples.push(now);
        due = dueAfterSample(now, now, current, CADENCE);
      }
    }
    expect(samples).toEqual([
      1000, 6000, 11_000, 16_000, // slow
      21_000, 22_000, 23_000, 24_000, 25_000, 26_000, 27_000, 28_000, 29_000, 30_000, // watched
      35_000, 40_000, 45_000, 50_000, // slow again; the one at 50 s finds nothing, and arms no timer
    ]);
  });
});
