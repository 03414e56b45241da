import { existsSync, readdirSync, readFileSync, readlinkSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { DaemonConnection } from '../../src/client/connection.js';
import { TestHome } from '../helpers/tsm.js';
import { waitFor } from '../helpers/wait.js';

let home: TestHome;
afterEach(async () => {
  await home.cleanup();
});

function linesOf(path: string): string[] {
  return existsSync(path) ? readFileSync(path, 'utf8').split('\n').slice(0, -1) : [];
}

function ticks(lines: string[]): number[] {
  return lines.flatMap((line) => {
    const match = /^tick (\d+) i0\b/.exec(line);
    return match ? [Number(match[1])] : [];
  });
}

describe('flush', () => {
  it('twenty flushes at once leak no descriptor and lose no line written after them', async () => {
    home = new TestHome();
    await home.ok(['start', 'lg-ticker.js', '--name', 'fl'], { env: { TICK_MS: '2', TOCK: '1' } });
    const out = join(home.paths.logsDir, 'fl-out.log');
    await waitFor('the first ticks', () => ticks(linesOf(out)).length >= 20);
    const pid = await home.daemonPid();
    const connection = await DaemonConnection.open({ socketPath: home.paths.socket, daemonLog: home.paths.daemonLog });
    try {
      const before = fdTargets(pid).length;
      const replies = await Promise.all(Array.from({ length: 20 }, () => connection.request('flush', { targets: ['fl'] })));
      expect(replies.every((reply) => reply.files.length === 2)).toBe(true);
      // rotating-file-stream opens a file a moment after it is created: once new lines are in
      // both files, every stream the flushes made has opened its file, leaked or not.
      const err = join(home.paths.logsDir, 'fl-error.log');
      const [lastOut, lastErr] = [Math.max(-1, ...ticks(linesOf(out))), linesOf(err).length];
      await waitFor('new lines after the flushes', () => Math.max(-1, ...ticks(linesOf(out))) > lastOut + 20 && linesOf(err).length > lastErr + 20);
      // At once, not waited for: the garbage collector closes a leaked stream's file in time.
      expect([fdsTo(pid, out), fdsTo(pid, err)]).toEqual([1, 1]);
      let after = 0;
      // The replaced streams close their descriptors a moment after the replies: wait for that.
      await waitFor(`the daemon's descriptors back to ${before}`, () => {
        after = fdTargets(pid).length;
        return after <= before;
      }).catch((error: Error) => {
        throw new Error(`${error.message}; ${after} open now:\n${fdTargets(pid).join('\n')}`);
      });
      console.log(`flush fds: before ${before}, after ${after}`);
    } finally {
      connection.close();
    }
    const afterLast = Math.max(-1, ...ticks(linesOf(out)));
    await waitFor('100 more ticks after the flushes', () => Math.max(-1, ...ticks(linesOf(out))) > afterLast + 100);
    const numbers = ticks(linesOf(out));
    expect(numbers.every((n, i) => i === 0 || n === numbers[i - 1]! + 1)).toBe(true);
    // A leaked stream that the garbage collector found closes its file with a Node warning.
    const failures = linesOf(home.paths.daemonLog).filter((line) => /^\S+ (warn |error) |garbage collection/.test(line));
    expect(failures, failures.slice(0, 2).join('\n')).toEqual([]);
  });
});

function fdsTo(pid: number, path: string): number {
  return fdTargets(pid).filter((line) => line.endsWith(` -> ${path}`)).length;
}

/**
 * The daemon's open descriptors and what each points at, but for the /proc files its metrics
 * sampler opens and closes every second.
 */
function fdTargets(pid: number): string[] {
  return readdirSync(`/proc/${pid}/fd`).flatMap((fd) => {
    try {
      const target = readlinkSync(`/proc/${pid}/fd/${fd}`);
      return target.startsWith('/proc/') ? [] : [`${fd} -> ${target}`];
    } catch {
      return []; // closed while we looked
    }
  });
}
