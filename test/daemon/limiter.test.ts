import { describe, expect, it } from 'vitest';
import { Limiter } from '../../src/daemon/owner/limiter.js';
import { Owners } from '../../src/daemon/owner/owners.js';

function deferred(): { promise: Promise<void>; resolve: () => void } {
  let resolve: () => void = () => {};
  const promise = new Promise<void>((r) => (resolve = r));
  return { promise, resolve };
}

const turn = (): Promise<void> => new Promise((resolve) => setImmediate(resolve));

describe('Limiter', () => {
  it('runs at most `limit` tasks at once, the others in the order they came', async () => {
    const limiter = new Limiter(2);
    const gates = [deferred(), deferred(), deferred(), deferred()];
    const started: number[] = [];
    const done = gates.map((gate, index) =>
      limiter.run(new AbortController().signal, async () => {
        started.push(index);
        await gate.promise;
        return index;
      }),
    );
    await turn();
    expect(started).toEqual([0, 1]);
    gates[1]!.resolve();
    await turn();
    expect(started).toEqual([0, 1, 2]);
    gates[0]!.resolve();
    gates[2]!.resolve();
    gates[3]!.resolve();
    expect(await Promise.all(done)).toEqual([0, 1, 2, 3]);
  });

  it('a task whose signal aborts while it waits leaves the line and never runs', async () => {
    const limiter = new Limiter(1);
    const gate = deferred();
    const first = limiter.run(new AbortController().signal, () => gate.promise);
    const controller = new AbortController();
    let ran = false;
    const second = limiter.run(controller.signal, async () => {
      ran = true;
    });
    const third = limiter.run(new AbortController().signal, async () => 'third');
    controller.abort(new Error('cancelled'));
    await expect(second).rejects.toThrow('cancelled');
    gate.resolve();
    await first;
    expect(await third).toBe('third');
    expect(ran).toBe(false);
  });

  it('a failing task frees its slot', async () => {
    const limiter = new Limiter(1);
    await expect(limiter.run(new AbortController().signal, () => Promise.reject(new Error('boom')))).rejects.toThrow('boom');
    expect(await limiter.run(new AbortController().signal, async () => 'next')).toBe('next');
  });
});

describe('Owners.submitAll with bounded parallelism', () => {
  it('runs at most the bound of apps at once, and every app once', async () => {
    const owners = new Owners(undefined, undefined, 3);
    let running = 0;
    let most = 0;
    const names = Array.from({ length: 10 }, (_, i) => `app${i}`);
    const result = await owners.submitAll(names, 'stop', async (name) => {
      running += 1;
      most = Math.max(most, running);
      await turn();
      running -= 1;
      return name;
    });
    expect(result).toEqual(names);
    expect(most).toBe(3);
    expect(owners.busy()).toEqual([]);
  });

  it('holds every app against later commands while its part waits for a slot', async () => {
    const owners = new Owners(undefined, undefined, 1);
    const gate = deferred();
    const all = owners.submitAll(['a', 'b'], 'restart', () => gate.promise);
    await turn();
    // b's part waits for the slot that a's holds, yet b is busy: a second restart is refused.
    expect(owners.busy().sort()).toEqual(['a', 'b']);
    await expect(owners.submitAll(['b'], 'restart', async () => undefined)).rejects.toMatchObject({ code: 'E_BUSY' });
    gate.resolve();
    await all;
  });
});
