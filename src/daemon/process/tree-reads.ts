import { descendantsIn, readProcessTable } from './kill-tree.js';

/**
 * The trees of processes about to be stopped, read together: a stop reads the tree of its process
 * before signalling it (children re-parented at its exit could no longer be found), and `stop all`
 * of 50 apps asked for 50 full passes over /proc in a row. Asked for in the same turn of the
 * event loop, they now share one pass, read at the next turn, before any of them is signalled.
 */
export class TreeReads {
  private waiting: Array<{ pid: number; resolve: (pids: number[]) => void }> = [];

  /** The pids below `pid`, as /proc shows them at the next turn; [] where there is no /proc. */
  descendantsOf(pid: number): Promise<number[]> {
    return new Promise((resolve) => {
      this.waiting.push({ pid, resolve });
      if (this.waiting.length === 1) setImmediate(() => this.read());
    });
  }

  private read(): void {
    const waiting = this.waiting;
    this.waiting = [];
    const table = readProcessTable();
    for (const { pid, resolve } of waiting) resolve(table === null ? [] : descendantsIn(table, [pid]));
  }
}
