import { spawn } from 'node:child_process';
import { readdirSync, readFileSync, readlinkSync } from 'node:fs';
import { afterEach, describe, expect, it } from 'vitest';
import { MetricsSampler } from '../../src/daemon/metrics.js';
import { ProcStat, statField, type Usage } from '../../src/daemon/proc-stat.js';
import type { ProcEntry, Registry } from '../../src/daemon/registry.js';
import { waitFor } from '../helpers/wait.js';

const line = (name: string): Buffer =>
  Buffer.from(`4242 (${name}) S 1 4242 4242 0 -1 4194560 1234 0 0 0 250 75 0 0 20 0 11 0 987654 1126400000 10240 18446744073709551615 1 1 0 0 0 0 0 4096 17922 0 0 0 17 1 0 0 0 0 0\n`);

describe('statField', () => {
  it('reads utime, stime and rss counted from the last parenthesis', () => {
    for (const name of ['node', 'tsm: daemon /tmp/x', 'a) b (c', ') ) )']) {
      const buffer = line(name);
      expect([14, 15, 24].map((field) => statField(buffer, buffer.length, field))).toEqual([250, 75, 10240]);
    }
  });

  it('is NaN for a field the line does not have', () => {
    const buffer = Buffer.from('1 (x) S 1 2');
    expect(statField(buffer, buffer.length, 24)).toBeNaN();
    expect(statField(Buffer.from('garbage'), 7, 14)).toBeNaN();
  });
});

describe('ProcStat', () => {
  const children: Array<ReturnType<typeof spawn>> = [];
  afterEach(() => {
    for (const child of children.splice(0)) child.kill('SIGKILL');
  });

  it('measures a live process: its resident memory, and the CPU it burns', async () => {
    const child = spawn(process.execPath, ['-e', 'const end = Date.now() + 30000; while (Date.now() < end);'], { stdio: 'ignore' });
    children.push(child);
    const stat = new ProcStat();
    const usage: Usage = { cpu: -1, memory: -1 };
    stat.begin(0);
    expect(stat.read(child.pid!, usage)).toBe(true);
    stat.end();
    expect(usage.cpu).toBe(0); // nothing to compare with yet
    // Against /proc/<pid>/status, which the kernel gives in kB: the page size is right.
    const rssKb = Number(/VmRSS:\s+(\d+)/.exec(readFileSync(`/proc/${child.pid}/status`, 'utf8'))![1]);
    expect(Math.abs(usage.memory / 1024 - rssKb)).toBeLessThan(rssKb / 2);
    await waitFor('the busy child to show CPU use', () => {
      stat.begin(performance.now());
      stat.read(child.pid!, usage);
      stat.end();
      return usage.cpu > 5;
    });
    stat.clear();
  });

  it('says false for a pid that is gone, and closes the files of pids no longer asked for', async () => {
    const child = spawn(process.execPath, ['-e', 'setTimeout(() => {}, 30000)'], { stdio: 'ignore' });
    children.push(child);
    const stat = new ProcStat();
    const usage: Usage = { cpu: 0, memory: 0 };
    const openStatFiles = (): number => countStatFds(child.pid!);
    stat.begin();
    expect(stat.read(child.pid!, usage)).toBe(true);
    stat.end();
    expect(openStatFiles()).toBe(1);
    stat.begin();
    stat.end();
    expect(openStatFiles()).toBe(0);
    child.kill('SIGKILL');
    await new Promise((resolve) => child.once('exit', resolve));
    stat.begin();
    expect(stat.read(child.pid!, usage)).toBe(false);
    stat.end();
    expect(openStatFiles()).toBe(0);
  });
});

/** Our own descriptors open on /proc/<pid>/stat. */
function countStatFds(pid: number): number {
  return readdirSync('/proc/self/fd').filter((fd) => {
    try {
      return readlinkSync(`/proc/self/fd/${fd}`) === `/proc/${pid}/stat`;
    } catch {
      return false;
    }
  }).length;
}

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
