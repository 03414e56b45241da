import { describe, expect, it } from 'vitest';
import { AppOwner, checkpoint } from '../../src/daemon/owner/app-owner.js';
import { Owners } from '../../src/daemon/owner/owners.js';

/** A promise and the function that settles it, to hold an operation at a step. */
function gate(): { promise: Promise<void>; open: () => void } {
  let open = (): void => {};
  const promise = new Promise<void>((resolve) => {
    open = resolve;
  });
  return { promise, open };
}

describe('AppOwner', () => {
  it('runs operations one at a time, in the order they came', async () => {
    const owner = new AppOwner('web');
    const events: string[] = [];
    const first = gate();
    const a = owner.submit('start', async () => {
      events.push('a begins');
      await first.promise;
      events.push('a ends');
      return 'a';
    });
    const b = owner.submit('start', async () => {
      events.push('b runs');
      return 'b';
    });
    await Promise.resolve();
    expect(owner.pending).toEqual(['start', 'start']);
    first.open();
    expect(await Promise.all([a, b])).toEqual(['a', 'b']);
    expect(events).toEqual(['a begins', 'a ends', 'b runs']);
    expect(owner.idle).toBe(true);
  });

  it('refuses with E_BUSY and changes nothing when an earlier operation refuses the newcomer', async () => {
    const owner = new AppOwner('web');
    const held = gate();
    const restart = owner.submit('restart', () => held.promise);
    await expect(owner.submit('reload', async () => 'never')).rejects.toMatchObject({
      code: 'E_BUSY',
      message: expect.stringContaining('cannot reload web: a restart of it is already under way'),
    });
    expect(owner.pending).toEqual(['restart']);
    held.open();
    await restart;
  });

  it('cancels a queued operation at once and tells the running one through its signal', async () => {
    const owner = new AppOwner('web');
    const held = gate();
    const steps: string[] = [];
    const restart = owner.submit('restart', async (signal) => {
      steps.push('stopping');
      await held.promise;
      checkpoint(signal);
      steps.push('starting'); // must never happen: a stop came
    });
    const start = owner.submit('start', async () => {
      steps.push('start ran');
    });
    const stop = owner.submit('stop', async () => {
      steps.push('stop ran');
    });
    await expect(start).rejects.toMatchObject({ code: 'E_CANCELLED' });
    held.open();
    await expect(restart).rejects.toMatchObject({
      code: 'E_CANCELLED',
      message: 'the restart of web was cancelled by a stop that came after it.',
    });
    await stop;
    expect(steps).toEqual(['stopping', 'stop ran']);
  });

  it('keeps running after an operation throws', async () => {
    const owner = new AppOwner('web');
    const failing = owner.submit('stop', async () => {
      throw new Error('boom');
    });
    const next = owner.submit('start', async () => 'ran');
    await expect(failing).rejects.toThrow('boom');
    await expect(next).resolves.toBe('ran');
  });
});

describe('Owners', () => {
  it('forgets an owner once it is idle, and keeps one per name while busy', async () => {
    const owners = new Owners();
    const held = gate();
    const op = owners.of('web').submit('stop', () => held.promise);
    expect(owners.of('web')).toBe(owners.of('web'));
    expect(owners.busy()).toEqual(['web']);
    held.open();
    await op;
    expect(owners.busy()).toEqual([]);
  });

  it('refuses a command over several apps as a whole when one app refuses it', async () => {
    const owners = new Owners();
    const held = gate();
    const reload = owners.of('api').submit('reload', () => held.promise);
    const ran: string[] = [];
    await expect(
      owners.submitAll(['web', 'api'], 'restart', async (name) => {
        ran.push(name);
      }),
    ).rejects.toMatchObject({ code: 'E_BUSY' });
    expect(ran).toEqual([]);
    expect(owners.busy()).toEqual(['api']);
    held.open();
    await reload;
  });

  it('answers a command over several apps only once every part has ended', async () => {
    const owners = new Owners();
    const slow = gate();
    let slowDone = false;
    const all = owners.submitAll(['a', 'b'], 'stop', async (name) => {
      if (name === 'a') throw new Error('a failed');
      await slow.promise;
      slowDone = true;
    });
    setImmediate(() => slow.open());
    await expect(all).rejects.toThrow('a failed');
    expect(slowDone).toBe(true);
  });
});
