import { readdirSync, readFileSync } from 'node:fs';

/**
 * The pids below `root`, read from /proc (no `ps`: slim container images do not ship procps).
 * Where /proc is missing the tree is just the root, and stop falls back to signalling it alone.
 */
export function descendants(root: number): number[] {
  return descendantsOfAll([root]);
}

/** The pids below any of `roots`, from one pass over /proc however many roots there are. */
export function descendantsOfAll(roots: readonly number[]): number[] {
  const table = readProcessTable();
  return table === null ? [] : descendantsIn(table, roots);
}

/** One process as /proc/<pid>/stat shows it: its parent, whether it is a zombie, when it started. */
export interface ProcessRow {
  ppid: number;
  zombie: boolean;
  /** Clock ticks since boot when it started: a process is never older than its parent. */
  startTicks: number;
}

/**
 * Every process's parent, from one pass over /proc; null where there is no /proc. The searches
 * that run on every stop and every exit read this once per batch, not once per process.
 */
export function readProcessTable(): Map<number, ProcessRow> | null {
  let entries: string[];
  try {
    entries = readdirSync('/proc');
  } catch {
    return null;
  }
  const table = new Map<number, ProcessRow>();
  for (const entry of entries) {
    if (!/^\d+$/.test(entry)) continue;
    const row = rowOf(entry);
    if (row !== null) table.set(Number(entry), row);
  }
  return table;
}

/** The pids below any of `roots` in `table`, each once. */
export function descendantsIn(table: ReadonlyMap<number, ProcessRow>, roots: readonly number[]): number[] {
  const children = new Map<number, number[]>();
  for (const [pid, { ppid }] of table) {
    const list = children.get(ppid) ?? [];
    list.push(pid);
    children.set(ppid, list);
  }
  const found: number[] = [];
  const seen = new Set(roots);
  const queue = [...roots];
  for (let pid = queue.shift(); pid !== undefined; pid = queue.shift()) {
    for (const child of children.get(pid) ?? []) {
      if (seen.has(child)) continue;
      seen.add(child);
      found.push(child);
      queue.push(child);
    }
  }
  return found;
}

function rowOf(pid: string): ProcessRow | null {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    // The command name (field 2) is in parentheses and may hold spaces: read after the last ')'.
    // From there, fields count from 3 (state): ppid is field 4, starttime field 22.
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    return { ppid: Number(fields[1]), zombie: fields[0] === 'Z', startTicks: Number(fields[19]) };
  } catch {
    return null; // the process ended while we looked
  }
}

/** When a process started, in clock ticks since boot; null when /proc cannot say (gone, no /proc). */
export function startTicksOf(pid: number): number | null {
  const row = rowOf(String(pid));
  return row === null || Number.isNaN(row.startTicks) ? null : row.startTicks;
}

/** Signals each pid, ignoring those already gone. */
export function signalAll(pids: readonly number[], signal: string): void {
  for (const pid of pids) {
    try {
      process.kill(pid, signal);
    } catch {
      // ESRCH: it exited between the listing and the signal, which is what we wanted.
    }
  }
}

/**
 * True while the process runs. A zombie (exited, not yet reaped by its parent: in a container
 * whose pid 1 never reaps, forever) answers signal 0 but is dead, so /proc's state is read too.
 */
export function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'EPERM') return false;
  }
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    return !stat.slice(stat.lastIndexOf(')') + 2).startsWith('Z');
  } catch {
    return true; // no /proc (not Linux): signal 0 is all we know
  }
}

/** The command line of a process as `ps` shows it ('' when gone or unknown). */
export function commandLineOf(pid: number): string {
  try {
    return readFileSync(`/proc/${pid}/cmdline`, 'utf8').replace(/\0/g, ' ').trim();
  } catch {
    return '';
  }
}
