import { spawn, type ChildProcess } from 'node:child_process';
import { afterEach, describe, expect, it } from 'vitest';
import { startTicksOf } from '../../src/daemon/process/kill-tree.js';
import { findLeftovers, orphansById } from '../../src/daemon/process/orphans.js';
import { TreeReads } from '../../src/daemon/process/tree-reads.js';
import { waitFor } from '../helpers/wait.js';

/** Real processes, found through the real /proc: what a search of the daemon sees. */
const started: ChildProcess[] = [];
afterEach(() => {
  for (const child of started.splice(0)) child.kill('SIGKILL');
});

function sleeper(env: Record<string, string> = {}): ChildProcess {
  const child = spawn('sleep', ['30'], { env: { PATH: process.env['PATH'] ?? '/usr/bin:/bin', ...env }, stdio: 'ignore' });
  started.push(child);
  return child;
}

/** A shell whose child is a sleep: a tree of two. */
function shellWithChild(): ChildProcess {
  const child = spawn('sh', ['-c', 'sleep 30 & wait'], { stdio: 'ignore' });
  started.push(child);
  return child;
}

const HOME = '/tmp/leftover-search-home';

describe('findLeftovers', () => {
  it('finds the processes of the exited ids by their environment, and spares live trees and other homes', () => {
    const a = sleeper({ TSM_HOME: HOME, pm_id: '3' });
    const b = sleeper({ TSM_HOME: HOME, pm_id: '4' });
    const other = sleeper({ TSM_HOME: `${HOME}-other`, pm_id: '3' });
    const unlisted = sleeper({ TSM_HOME: HOME, pm_id: '5' });
    // spawn() returns once the child has exec'd: /proc shows its own environment from then on.
    expect(unlisted.pid).toBeDefined();
    expect(other.pid).toBeDefined();
    const found = findLeftovers({ home: HOME, ids: new Set([3, 4]), live: [] });
    expect(found.get(3)).toEqual([a.pid]);
    expect(found.get(4)).toEqual([b.pid]);
    expect(found.has(5)).toBe(false);
    // A live process and its tree are spared, even when they carry an id that exited: this test's
    // own process is the parent of the sleepers.
    expect(findLeftovers({ home: HOME, ids: new Set([3, 4]), live: [process.pid] }).size).toBe(0);
  });

  it('does not read processes older than the exited ones: they cannot be what those left', async () => {
    const older = sleeper({ TSM_HOME: HOME, pm_id: '8' });
    const born = startTicksOf(older.pid!)!;
    expect(born).toBeGreaterThan(0);
    expect(findLeftovers({ home: HOME, ids: new Set([8]), live: [], bornSince: born }).get(8)).toEqual([older.pid]);
    // A clock tick is 10 ms: wait until the next one is surely counted.
    const later = await waitFor('a later clock tick', () => {
      const probe = sleeper();
      const ticks = startTicksOf(probe.pid!)!;
      return ticks > born ? ticks : null;
    });
    expect(findLeftovers({ home: HOME, ids: new Set([8]), live: [], bornSince: later }).size).toBe(0);
  });
});

describe('orphansById', () => {
  it('finds every process of a home by app id in one pass, and none of another home', () => {
    const home = `${HOME}-restore`;
    const a = sleeper({ TSM_HOME: home, pm_id: '1' });
    const b = sleeper({ TSM_HOME: home, pm_id: '1' });
    const c = sleeper({ TSM_HOME: home, pm_id: '2' });
    sleeper({ TSM_HOME: `${home}-other`, pm_id: '1' });
    sleeper({ TSM_HOME: home }); // not an app process: no pm_id
    const found = orphansById(home);
    expect([...found.keys()].sort()).toEqual([1, 2]);
    expect(found.get(1)!.sort((x, y) => x - y)).toEqual([a.pid, b.pid].sort((x, y) => x! - y!));
    expect(found.get(2)).toEqual([c.pid]);
  });
});

describe('TreeReads', () => {
  it('reads the trees asked for in one turn together, each with its own descendants', async () => {
    const one = shellWithChild();
    const two = shellWithChild();
    const trees = new TreeReads();
    const [first, second] = await waitFor('both shells to have their child', async () => {
      const read = await Promise.all([trees.descendantsOf(one.pid!), trees.descendantsOf(two.pid!)]);
      return read.every((tree) => tree.length === 1) ? read : null;
    });
    expect(first).not.toEqual(second);
    const mine = await trees.descendantsOf(process.pid);
    expect(mine).toEqual(expect.arrayContaining([one.pid, two.pid, ...first!, ...second!]));
  });
});
