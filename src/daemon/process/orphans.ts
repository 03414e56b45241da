import { readdirSync, readFileSync } from 'node:fs';
import { descendantsIn, isAlive, readProcessTable, signalAll } from './kill-tree.js';

/**
 * Every app process gets TSM_HOME and pm_id in its environment, and whatever it starts inherits
 * them. That is how processes an app left behind are found after the app is gone: a crashed
 * parent's children are re-parented (to init or a subreaper) and no tree walk finds them, and
 * a fork-mode app outlives a daemon killed with SIGKILL. Read from /proc/<pid>/environ, which
 * holds the environment a process was started with. A process that clears its environment
 * (env -i, a double fork that scrubs it) cannot be found this way.
 *
 * Every process of an app of `home`, by app id (pm_id), from one pass over /proc: a new daemon
 * ends what a dead one left, per app with that app's stop rules, and reads /proc once for all of
 * them, not once per app.
 */
export function orphansById(home: string): Map<number, number[]> {
  const found = new Map<number, number[]>();
  let pids: string[];
  try {
    pids = readdirSync('/proc');
  } catch {
    return found; // no /proc: nothing can be found this way
  }
  for (const name of pids) {
    if (!/^\d+$/.test(name)) continue;
    const pid = Number(name);
    if (pid === process.pid) continue;
    const id = appIdOf(name, home);
    if (id !== null && isAlive(pid)) found.set(id, [...(found.get(id) ?? []), pid]);
  }
  return found;
}

export interface LeftoverQuery {
  home: string;
  /** The app process ids (pm_id) whose processes have exited: their leftovers are wanted. */
  ids: ReadonlySet<number>;
  /** The processes the daemon tracks: they and their trees are spared (an id restarted meanwhile). */
  live: readonly number[];
  /**
   * When the earliest of the exited processes started (clock ticks since boot, as /proc gives
   * it): what they left was started after them, so older processes are not read at all. On a
   * machine where most processes are older than the apps, this spares most of the reads.
   */
  bornSince?: number;
}

/**
 * The leftovers of several exited app processes at once, by id, from one pass over /proc: the
 * parents of every process first (to spare the trees of the live ones), then the environment of
 * the others started since the exited ones (reading an environment is the costly part: ~0.5 ms a
 * process on 2 loaded cores). A process born after the table was read is in neither, so it is
 * never taken for a leftover of a tree it belongs to.
 */
export function findLeftovers(query: LeftoverQuery): Map<number, number[]> {
  const found = new Map<number, number[]>();
  if (query.ids.size === 0) return found;
  const table = readProcessTable();
  if (table === null) return found;
  const keep = new Set([process.pid, ...query.live, ...descendantsIn(table, query.live)]);
  const since = query.bornSince ?? 0;
  for (const [pid, row] of table) {
    if (row.zombie || keep.has(pid) || row.startTicks < since) continue;
    const id = appIdOf(String(pid), query.home);
    if (id === null || !query.ids.has(id)) continue;
    found.set(id, [...(found.get(id) ?? []), pid]);
  }
  return found;
}

/** The pm_id of a process started by an app of `home`, or null (another home, none, gone, not ours). */
function appIdOf(pid: string, home: string): number | null {
  let environ: string;
  try {
    environ = `\0${readFileSync(`/proc/${pid}/environ`, 'latin1')}\0`;
  } catch {
    return null; // gone, or another user's
  }
  if (!environ.includes(`\0TSM_HOME=${home}\0`)) return null;
  const at = environ.indexOf('\0pm_id=');
  if (at < 0) return null;
  const value = environ.slice(at + 7, environ.indexOf('\0', at + 7));
  return /^\d+$/.test(value) ? Number(value) : null;
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
