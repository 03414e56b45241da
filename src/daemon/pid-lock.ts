import { link, readFile, rename, unlink, writeFile } from 'node:fs/promises';
import { existsSync } from 'node:fs';
import { commandLineOf, isAlive } from './process/kill-tree.js';

/**
 * One daemon per home. The pid file is the lock: created by link(), so of two daemons started
 * at once exactly one wins (link() fails if the file exists). A file left by a daemon that died is stale and taken over; the take
 * over renames the stale file away first, which only one contender can do.
 */
export async function acquirePidLock(pidFile: string): Promise<{ acquired: true } | { acquired: false; owner: number }> {
  for (let attempt = 0; attempt < 5; attempt += 1) {
    // Written aside and linked into place, so nobody ever reads a lock file without its pid.
    const mine = `${pidFile}.${process.pid}.new`;
    await writeFile(mine, `${process.pid}\n`, { mode: 0o600 });
    try {
      await link(mine, pidFile);
      return { acquired: true };
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
    } finally {
      await unlink(mine).catch(() => {});
    }
    const owner = await readPid(pidFile);
    if (owner !== null && owner !== process.pid && isDaemon(owner)) return { acquired: false, owner };
    await breakStaleLock(pidFile, owner);
  }
  throw new Error(`could not take the lock ${pidFile}`);
}

/**
 * After a crash and a reboot the pid in a stale file may belong to any process: the owner must be
 * alive and be a tsm daemon (its title, or its entry file while it starts). Without /proc, alive
 * is all we can know.
 */
function isDaemon(pid: number): boolean {
  if (!isAlive(pid)) return false;
  if (!existsSync('/proc/self/cmdline')) return true;
  const command = commandLineOf(pid);
  return command.includes('tsm: daemon') || command.includes('daemon/entry.js');
}

async function breakStaleLock(pidFile: string, stalePid: number | null): Promise<void> {
  const aside = `${pidFile}.${process.pid}.stale`;
  try {
    await rename(pidFile, aside);
  } catch {
    return; // someone else moved it first; try again
  }
  const moved = await readPid(aside);
  if (moved !== stalePid && moved !== null && isDaemon(moved)) {
    // We moved a live daemon's fresh lock: put it back unless yet another one exists.
    await link(aside, pidFile).catch(() => {});
  }
  await unlink(aside).catch(() => {});
}

async function readPid(file: string): Promise<number | null> {
  const text = await readFile(file, 'utf8').catch(() => '');
  const pid = Number.parseInt(text.trim(), 10);
  return Number.isInteger(pid) && pid > 0 ? pid : null;
}

export async function releasePidLock(pidFile: string): Promise<void> {
  if ((await readPid(pidFile)) === process.pid) await unlink(pidFile).catch(() => {});
}
