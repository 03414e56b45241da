import { existsSync, readFileSync } from 'node:fs';
import type { HomePaths } from '../core/paths.js';

/**
 * The daemon that the home's pid file names, when that process is alive and is this home's tsm
 * daemon; null otherwise: no file, a stale pid left by a crash, or a pid the system has since
 * given to another program. A daemon shows `tsm: daemon <home>` as its title, or its entry file
 * and `--home <home>` while it starts (the rule of the daemon's pid lock, plus the home, since
 * after a reboot the pid may be another home's daemon). Without /proc, alive is all we can know.
 */
export function daemonFromPidFile(paths: HomePaths): number | null {
  let text: string;
  try {
    text = readFileSync(paths.pidFile, 'utf8');
  } catch {
    return null;
  }
  const pid = Number.parseInt(text.trim(), 10);
  if (!Number.isSafeInteger(pid) || pid <= 0 || !isAlive(pid)) return null;
  if (!existsSync('/proc/self/cmdline')) return pid;
  let command: string;
  try {
    command = readFileSync(`/proc/${pid}/cmdline`, 'utf8').replace(/\0/g, ' ');
  } catch {
    return null; // gone since, or not ours to read
  }
  const daemon = command.includes('tsm: daemon') || command.includes('daemon/entry.js');
  return daemon && command.includes(paths.home) ? pid : null;
}

/** Signal 0 checks without sending; EPERM means it exists but belongs to another user. */
function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}
