import { TsmError } from '../../core/errors.js';
import { decideOverlap, type OpKind } from '../../core/overlap.js';

interface Pending {
  kind: OpKind;
  run: (signal: AbortSignal) => Promise<unknown>;
  controller: AbortController;
  resolve: (value: unknown) => void;
  reject: (error: unknown) => void;
}

/** What a newcomer would get against this app's operations, without queueing it. */
export type Admission = { ok: true } | { ok: false; error: TsmError };

/**
 * The one owner of an app: every change to the app's processes (a command, the restart policy,
 * crash recovery, shutdown) is an operation submitted here, and operations run one at a time in
 * the order they came. What a newcomer does about the operations before it (wait, be refused,
 * or cancel them) is decided by the table in core/overlap.ts, and nowhere else.
 *
 * A cancelled operation that is still queued fails at once; one that is running is told through
 * its AbortSignal and stops at its next step (`checkpoint`), so a process is never left half
 * started: each step either completes or is not begun.
 */
export class AppOwner {
  /** ops[0] runs while `running` is true; the rest wait in order. */
  private readonly ops: Pending[] = [];
  private running = false;

  constructor(
    readonly name: string,
    private readonly onIdle: (owner: AppOwner) => void = () => {},
    /** True once the daemon shuts down: then every app, even one with no operation, refuses starts. */
    private readonly closed: () => boolean = () => false,
    /** Called after each operation ends, whatever its outcome. */
    private readonly settled: () => void = () => {},
  ) {}

  get idle(): boolean {
    return this.ops.length === 0;
  }

  /** The kinds of the operations running or queued, the running one first. */
  get pending(): OpKind[] {
    return this.ops.map((op) => op.kind);
  }

  admit(kind: OpKind): Admission {
    const earlier: OpKind[] = this.closed() ? ['shutdown', ...this.pending] : this.pending;
    const { refusedBy } = decideOverlap(earlier, kind);
    if (refusedBy === null) return { ok: true };
    const message =
      refusedBy === 'shutdown'
        ? `cannot ${kind} ${this.name}: the daemon is shutting down. Run the command again once it has stopped.`
        : `cannot ${kind} ${this.name}: a ${refusedBy} of it is already under way. Wait for it to finish, then try again.`;
    return { ok: false, error: new TsmError('E_BUSY', message) };
  }

  /**
   * Queues `run` behind the app's earlier operations, after cancelling those it supersedes.
   * Rejects with E_BUSY (nothing queued, nothing cancelled) when an earlier one refuses it.
   */
  submit<T>(kind: OpKind, run: (signal: AbortSignal) => Promise<T>): Promise<T> {
    const admission = this.admit(kind);
    if (!admission.ok) {
      if (this.idle) this.onIdle(this);
      return Promise.reject(admission.error);
    }
    const { cancel } = decideOverlap(this.pending, kind);
    // From the last index down, so removing a queued operation does not shift the next one.
    for (const index of [...cancel].reverse()) this.cancelAt(index, kind);
    return new Promise<T>((resolve, reject) => {
      this.ops.push({ kind, run, controller: new AbortController(), resolve: resolve as (value: unknown) => void, reject });
      void this.pump();
    });
  }

  private cancelAt(index: number, by: OpKind): void {
    const op = this.ops[index];
    if (!op) return;
    const reason = new TsmError('E_CANCELLED', `the ${op.kind} of ${this.name} was cancelled by a ${by} that came after it.`);
    op.controller.abort(reason);
    const isRunning = index === 0 && this.running;
    if (!isRunning) {
      this.ops.splice(index, 1);
      op.reject(reason);
    }
  }

  private async pump(): Promise<void> {
    if (this.running) return;
    this.running = true;
    for (let op = this.ops[0]; op !== undefined; op = this.ops[0]) {
      try {
        op.controller.signal.throwIfAborted();
        op.resolve(await op.run(op.controller.signal));
      } catch (error) {
        op.reject(error);
      }
      this.ops.shift();
      this.settled();
    }
    this.running = false;
    this.onIdle(this);
  }
}

/** A step boundary of an operation: past it, a cancelled operation stops. */
export function checkpoint(signal: AbortSignal): void {
  signal.throwIfAborted();
}
