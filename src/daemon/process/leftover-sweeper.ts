import { endProcesses, findLeftovers } from './orphans.js';

/** How the leftovers of an app's process are ended (its own stop rules), and its name for the log. */
export interface SweepRules {
  killSignal: string;
  killTimeout: number;
  label: string;
  /** When the exited process started (clock ticks since boot; 0 if unknown): its leftovers are younger. */
  bornSince: number;
}

export interface LeftoverSweeperDeps {
  home: string;
  /** The pids of every process the daemon tracks now: they and their trees are spared. */
  live: () => number[];
  /** The search and the ending: /proc and signals in the daemon, fakes in the sweeper's tests. */
  find?: typeof findLeftovers;
  end?: typeof endProcesses;
  /** Told before the leftovers of an app process are ended (for the daemon's log). */
  found: (label: string, pids: readonly number[]) => void;
  /** A search that failed (it never should: every read in it is guarded). */
  failed: (error: unknown) => void;
  /** Searches after the first of a burst are at least this far apart. */
  spacingMs: number;
}

interface Due {
  done: Promise<void>;
  resolve: () => void;
  /** Cancels the scheduled run (an immediate or a timeout: each has its own clear function). */
  cancel: () => void;
}

/**
 * After an app process exits, what it left running is searched for and ended (findLeftovers).
 * A search reads every process of the machine, so exits close together share one: the first
 * exit after a quiet spell is searched at the next turn of the event loop, and exits that come
 * while searches follow each other wait until `spacingMs` after the previous search, then are
 * searched for all at once. `stop all` of 50 apps used to read /proc twice per exit (two
 * thousand files each time); now a handful of searches cover every exit.
 *
 * No exit is left out: an id stays pending until a search that began after its exit has run.
 * Its leftovers are re-parented by then (the kernel does it at the exit), so a search finds them
 * by their environment. A new process of a pending id must not be spawned before that search
 * (what it starts would carry the same id), and a stop of an app whose process already exited
 * (a crash) must not answer, nor the daemon exit, before it: `searchNow` runs it at once.
 */
export class LeftoverSweeper {
  private pending = new Map<number, SweepRules>();
  private due: Due | null = null;
  private lastSweep = Number.NEGATIVE_INFINITY;

  constructor(private readonly deps: LeftoverSweeperDeps) {}

  /** Resolves once a search covering this exit has run and its leftovers have been signalled. */
  afterExit(id: number, rules: SweepRules): Promise<void> {
    this.pending.set(id, rules);
    if (this.due) return this.due.done;
    const wait = Math.max(0, this.lastSweep + this.deps.spacingMs - Date.now());
    let resolve: () => void = () => {};
    const done = new Promise<void>((res) => {
      resolve = res;
    });
    let cancel: () => void;
    if (wait === 0) {
      const immediate = setImmediate(() => this.run());
      cancel = () => clearImmediate(immediate);
    } else {
      const timeout = setTimeout(() => this.run(), wait);
      cancel = () => clearTimeout(timeout);
    }
    this.due = { done, resolve, cancel };
    return done;
  }

  /** If the leftovers of an exit of `id` are still to be searched for, searches now (with the whole batch). */
  searchNow(id: number): void {
    if (this.pending.has(id)) this.run();
  }

  private run(): void {
    const due = this.due;
    this.due = null;
    due?.cancel();
    try {
      this.sweep();
    } catch (error) {
      this.deps.failed(error);
    }
    due?.resolve();
  }

  private sweep(): void {
    const batch = this.pending;
    this.pending = new Map();
    const find = this.deps.find ?? findLeftovers;
    const end = this.deps.end ?? endProcesses;
    const bornSince = Math.min(...[...batch.values()].map((rules) => rules.bornSince));
    const found = find({ home: this.deps.home, ids: new Set(batch.keys()), live: this.deps.live(), bornSince });
    this.lastSweep = Date.now();
    for (const [id, pids] of found) {
      const rules = batch.get(id);
      if (!rules) continue;
      this.deps.found(rules.label, pids);
      void end(pids, rules.killSignal, rules.killTimeout);
    }
  }
}
