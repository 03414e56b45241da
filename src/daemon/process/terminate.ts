import { setTimeout as delay } from 'node:timers/promises';
import { descendants, isAlive, signalAll } from './kill-tree.js';
import type { ExitInfo, RunningProcess } from './running-process.js';

export interface StopRules {
  killSignal: string;
  killTimeout: number;
  shutdownWithMessage: boolean;
}

/**
 * A graceful stop: the kill signal (or a 'shutdown' message over IPC) to the process and its
 * whole tree, a bounded wait, then SIGKILL to whatever is left. The tree is read before the
 * signal, because children of a process that exits are re-parented and could no longer be found;
 * `treeOf` reads it (the supervisor's reads many stops' trees in one pass: see TreeReads).
 */
export async function terminate(
  proc: RunningProcess,
  rules: StopRules,
  treeOf: (pid: number) => Promise<number[]> = async (pid) => descendants(pid),
): Promise<ExitInfo> {
  const pid = proc.pid;
  const tree = pid === undefined ? [] : await treeOf(pid);
  const messaged = rules.shutdownWithMessage && proc.send('shutdown');
  if (!messaged) {
    proc.signal(rules.killSignal);
    signalAll(tree, rules.killSignal);
  }
  const deadline = Date.now() + rules.killTimeout;
  const abort = new AbortController();
  const timedOut = await Promise.race([
    proc.exited.then(() => false),
    delay(rules.killTimeout, true, { signal: abort.signal }).catch(() => false),
  ]);
  abort.abort();
  if (timedOut) {
    const now = pid === undefined ? [] : descendants(pid);
    proc.signal('SIGKILL');
    signalAll([...new Set([...tree, ...now])], 'SIGKILL');
  }
  const info = await proc.exited;
  await reapSurvivors(tree, deadline);
  return info;
}

/** Children that outlive their parent get what is left of the kill timeout, then SIGKILL. */
async function reapSurvivors(tree: readonly number[], deadline: number): Promise<void> {
  let alive = tree.filter(isAlive);
  while (alive.length > 0 && Date.now() < deadline) {
    await delay(Math.min(50, Math.max(1, deadline - Date.now())));
    alive = alive.filter(isAlive);
  }
  signalAll(alive, 'SIGKILL');
}
