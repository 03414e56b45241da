import { readdirSync, readFileSync } from 'node:fs';
import { descendantsOfAll, isAlive, signalAll } from './kill-tree.js';

/**
 * Every app process gets TSM_HOME and pm_id in its environment, and whatever it starts inherits
 * them. That is how processes an app left behind are found after the app is gone: a crashed
 * parent's children are re-parented (to init or a subreaper) and no tree walk finds them, and
 * a fork-mode app outlives a daemon killed with SIGKILL. Read from /proc/<pid>/environ, which
 * holds the environment a process was started with. A process that clears its environment
 * (env -i, a double fork that scrubs it) cannot be found this way.
 */
export interface OrphanQuery {
  home: string;
  /** The app process id (pm_id) whose leftovers are wanted; undefined: any app of the home. */
  id?: number;
  /** Pids not to touch: the processes the daemon tracks, with their trees, and itself. */
  keep: ReadonlySet<number>;
}

export function findOrphans(query: OrphanQuery): number[] {
  const home = `\0TSM_HOME=${query.home}\0`;
  const id = query.id === undefined ? '\0pm_id=' : `\0pm_id=${query.id}\0`;
  const found: number[] = [];
  let pids: string[];
  try {
    pids = readdirSync('/proc');
  } catch {
    return []; // no /proc: nothing can be found this way
  }
  for (const name of pids) {
    if (!/^\d+$/.test(name)) continue;
    const pid = Number(name);
    if (pid === process.pid || query.keep.has(pid)) continue;
    let environ: string;
    try {
      environ = `\0${readFileSync(`/proc/${name}/environ`, 'latin1')}\0`;
    } catch {
      continue; // gone, or another user's
    }
    if (environ.includes(home) && environ.includes(id) && isAlive(pid)) found.push(pid);
  }
  return found;
}

/** The pids of these processes and all their descendants: what an orphan search must spare. */
export function withTrees(pids: Iterable<number>): Set<number> {
  const roots = [...pids];
  // One pass over /proc for all of them: this runs at every exit, with every live process kept.
  return new Set([...roots, ...(roots.length > 0 ? descendantsOfAll(roots) : [])]);
}

/**
 * Ends the given processes: the signal now, SIGKILL for those still alive after `graceMs`.
 * Resolves when they are gone or have been sent SIGKILL.
 */
export async function endProcesses(pids: readonly number[], signal: string, graceMs: number): Promise<void> {
  if (pids.length === 0) return;
  signalAll(pids, signal);
  const deadline = Date.now() + graceMs;
  let alive = pids.filter(isAlive);
  while (alive.length > 0 && Date.now() < deadline) {
    await new Promise((resolve) => setTimeout(resolve, Math.min(50, Math.max(1, deadline - Date.now()))));
    alive = alive.filter(isAlive);
  }
  signalAll(alive, 'SIGKILL');
}
