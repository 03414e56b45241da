import { describe, expect, it } from 'vitest';
import { CoalescedWrites } from '../../src/daemon/persist/coalesced-writes.js';

/** A write the test finishes (or fails) when it wants, recording what it was given. */
function controlledDisk() {
  const writes: Array<{ text: string; finish: () => void; fail: (error: Error) => void }> = [];
  let running = 0;
  let overlapped = false;
  const write = (text: string): Promise<void> =>
    new Promise<void>((resolve, reject) => {
      running += 1;
      if (running > 1) overlapped = true;
      const end = (): void => {
        running -= 1;
      };
      writes.push({ text, finish: () => (end(), resolve()), fail: (error) => (end(), reject(error)) });
    });
  return { writes, write, overlapped: () => overlapped };
}

const turn = (): Promise<void> => new Promise((resolve) => setImmediate(resolve));

/** Whether a promise has settled, without waiting for it. */
function tracked(promise: Promise<void>): { settled: () => boolean; outcome: Promise<'done' | Error> } {
  let settled = false;
  const outcome = promise.then(
    () => ((settled = true), 'done' as const),
    (error: Error) => ((settled = true), error),
  );
  return { settled: () => settled, outcome };
}

describe('CoalescedWrites', () => {
  it('resolves a save made during a write only with a write that began after it', async () => {
    const disk = controlledDisk();
    const writes = new CoalescedWrites(disk.write);
    const first = tracked(writes.request(() => 'state 1'));
    const second = tracked(writes.request(() => 'state 2'));
    await turn();
    expect(disk.writes.map((w) => w.text)).toEqual(['state 1']);
    disk.writes[0]!.finish();
    await turn();
    expect(first.settled()).toBe(true);
    // The write that carries `state 2` has begun, but it is not on disk yet: not resolved.
    expect(disk.writes.map((w) => w.text)).toEqual(['state 1', 'state 2']);
    expect(second.settled()).toBe(false);
    disk.writes[1]!.finish();
    expect(await second.outcome).toBe('done');
  });

  it('carries every save asked for during a write with one next write, of the latest content', async () => {
    const disk = controlledDisk();
    const writes = new CoalescedWrites(disk.write);
    const asked: number[] = [];
    const saves = [0, 1, 2, 3, 4].map((n) =>
      writes.request(() => {
        asked.push(n);
        return `state ${n}`;
      }),
    );
    await turn();
    disk.writes[0]!.finish();
    await turn();
    disk.writes[1]!.finish();
    await Promise.all(saves);
    expect(disk.writes.map((w) => w.text)).toEqual(['state 0', 'state 4']);
    // Saves overtaken before their write began were never serialized.
    expect(asked).toEqual([0, 4]);
    expect(disk.overlapped()).toBe(false);
  });

  it('rejects the saves a failed write carried, and still writes the next ones', async () => {
    const disk = controlledDisk();
    const writes = new CoalescedWrites(disk.write);
    const first = tracked(writes.request(() => 'a'));
    await turn();
    const second = tracked(writes.request(() => 'b'));
    const third = tracked(writes.request(() => 'c'));
    disk.writes[0]!.fail(new Error('disk full'));
    expect(await first.outcome).toEqual(new Error('disk full'));
    await turn();
    disk.writes[1]!.fail(new Error('still full'));
    expect(await second.outcome).toEqual(new Error('still full'));
    expect(await third.outcome).toEqual(new Error('still full'));
    const fourth = writes.request(() => 'd');
    disk.writes[2]!.finish();
    await fourth;
    expect(disk.writes.map((w) => w.text)).toEqual(['a', 'c', 'd']);
  });

  it('after an idle spell, a save is written at once', async () => {
    const disk = controlledDisk();
    const writes = new CoalescedWrites(disk.write);
    const first = writes.request(() => 'a');
    disk.writes[0]!.finish();
    await first;
    const later = writes.request(() => 'b');
    expect(disk.writes.map((w) => w.text)).toEqual(['a', 'b']);
    disk.writes[1]!.finish();
    await later;
  });
});
