import { availableParallelism } from 'node:os';
import type { OpKind } from '../../core/overlap.js';
import { AppOwner } from './app-owner.js';
import { Limiter } from './limiter.js';

/**
 * How many apps' parts of one command (`stop all`, `restart all`...) run at once. A part is
 * mostly waiting (for an exit, for the kill-tree poll, for the new process to come up), not
 * CPU, so a bound near the core count makes the command slower: with 50 fork apps on 2 loaded
 * cores (bench/many.js), `restart all` took 27 s with 4 at once, 18 s with 16, 11 s unbounded
 * (PM2 14 s); `stop all` 10 s, 6.7 s, 4.7 s. The bound is there for hundreds of apps (file
 * descriptors, memory spikes), far above what was measured to cost nothing.
 */
export const DEFAULT_PARALLEL_APPS = 32 * availableParallelism();

/**
 * The owners of the apps, by name. An owner exists while its app has operations; it is created
 * on the first and forgotten when it falls idle, so a name with no app holds nothing.
 */
export class Owners {
  private readonly byName = new Map<string, AppOwner>();

  /**
   * `closed`: true once the daemon shuts down (see AppOwner). `settled`: called with the app's
   * name after each of its operations, whatever its outcome (to re-arm its watch and schedule).
   */
  constructor(
    private readonly closed: () => boolean = () => false,
    private readonly settled: (name: string) => void = () => {},
    private readonly parallelApps = DEFAULT_PARALLEL_APPS,
  ) {}

  of(name: string): AppOwner {
    let owner = this.byName.get(name);
    if (!owner) {
      owner = new AppOwner(
        name,
        (idle) => {
          if (this.byName.get(name) === idle && idle.idle) this.byName.delete(name);
        },
        this.closed,
        () => this.settled(name),
      );
      this.byName.set(name, owner);
    }
    return owner;
  }

  /**
   * One operation on several apps (`tsm stop all`): every app is asked before any is touched,
   * so a refusal for one changes nothing for the others. Each app's part runs under its owner:
   * it is queued with every owner at once (holding its place against later commands), and when
   * its turn comes there it also waits for one of `parallelApps` slots of this command.
   */
  submitAll<T>(names: readonly string[], kind: OpKind, run: (name: string, signal: AbortSignal) => Promise<T>): Promise<T[]> {
    const owners = [...new Set(names)].map((name) => this.of(name));
    for (const owner of owners) {
      const admission = owner.admit(kind);
      if (admission.ok) continue;
      for (const unused of owners) this.forgetIfIdle(unused);
      return Promise.reject(admission.error);
    }
    const limiter = new Limiter(this.parallelApps);
    return settleAll(owners.map((owner) => owner.submit(kind, (signal) => limiter.run(signal, () => run(owner.name, signal)))));
  }

  private forgetIfIdle(owner: AppOwner): void {
    if (owner.idle && this.byName.get(owner.name) === owner) this.byName.delete(owner.name);
  }

  /** Names with an operation running or queued (crash recovery, shutdown). */
  busy(): string[] {
    return [...this.byName.values()].filter((owner) => !owner.idle).map((owner) => owner.name);
  }
}

/**
 * Like Promise.all, but the command answers only once every app's part has ended, so a reply
 * never arrives while part of the command still changes processes.
 */
async function settleAll<T>(promises: Array<Promise<T>>): Promise<T[]> {
  const settled = await Promise.allSettled(promises);
  const failed = settled.find((outcome): outcome is PromiseRejectedResult => outcome.status === 'rejected');
  if (failed) throw failed.reason;
  return settled.map((outcome) => (outcome as PromiseFulfilledResult<T>).value);
}
