/**
 * What happens when two operations on one app overlap: a deploy script, a person and a crash all
 * act on the same app at once. Each app has one owner that runs its operations one at a time
 * (src/daemon/owner/); this table alone decides what a newcomer does about the operations that
 * are already running or queued for that app.
 */
export const OP_KINDS = [
  'create', // tsm start <script>: a new app, or (-f, an ecosystem file) one that replaces it
  'start', // tsm start <name|id>: start what is stopped, restart what runs
  'stop',
  'restart',
  'reload',
  'scale', // tsm scale: instances added or stopped and removed
  'delete',
  'revive', // the restart policy: a crashed process's restart delay is over
  'restore', // a new daemon starts the apps a crashed one left
  'shutdown', // tsm kill, SIGTERM: every process stopped, the wish that it runs kept
] as const;
export type OpKind = (typeof OP_KINDS)[number];

/**
 * - wait: queue behind it; each operation reads the app as it is when its turn comes.
 * - refuse: the newcomer fails with E_BUSY and changes nothing.
 * - supersede: the earlier one is cancelled (a queued one at once, a running one at its next
 *   step, with E_CANCELLED to its caller), and the newcomer runs after it.
 */
export type Overlap = 'wait' | 'refuse' | 'supersede';

const W = 'wait';
const R = 'refuse';
const S = 'supersede';

/**
 * OVERLAP[earlier][newcomer]. The rules behind the table:
 * - a stop always wins over anything that would make a process run (start, restart, reload,
 *   create, revive, restore); a delete wins over everything, and never leaves a process behind;
 * - a second restart, reload or scale while one is under way is refused: queued, it would undo
 *   the zero-downtime promise of the reload it waited for, and a deploy script wants to know;
 * - a crash restart (revive) waits its turn, and every command waits for it: it is short, and a
 *   revive whose turn comes after a command has changed the process finds nothing left to do
 *   (cancelling it instead would strand a process that the command did not cover);
 * - nothing new starts once the daemon shuts down.
 */
const OVERLAP: Record<OpKind, Record<OpKind, Overlap>> = {
  //            create start stop restart reload scale delete revive restore shutdown
  create: /*  */ { create: W, start: W, stop: S, restart: W, reload: W, scale: W, delete: S, revive: W, restore: W, shutdown: S },
  start: /*   */ { create: W, start: W, stop: S, restart: W, reload: W, scale: W, delete: S, revive: W, restore: W, shutdown: S },
  stop: /*    */ { create: W, start: W, stop: W, restart: W, reload: W, scale: W, delete: W, revive: W, restore: W, shutdown: S },
  restart: /* */ { create: W, start: W, stop: S, restart: R, reload: R, scale: R, delete: S, revive: W, restore: W, shutdown: S },
  reload: /*  */ { create: W, start: W, stop: S, restart: R, reload: R, scale: R, delete: S, revive: W, restore: W, shutdown: S },
  scale: /*   */ { create: W, start: W, stop: S, restart: R, reload: R, scale: R, delete: S, revive: W, restore: W, shutdown: S },
  delete: /*  */ { create: W, start: W, stop: W, restart: W, reload: W, scale: W, delete: W, revive: W, restore: W, shutdown: S },
  revive: /*  */ { create: W, start: W, stop: W, restart: W, reload: W, scale: W, delete: W, revive: W, restore: W, shutdown: S },
  restore: /* */ { create: W, start: W, stop: S, restart: W, reload: W, scale: W, delete: S, revive: W, restore: W, shutdown: S },
  shutdown: /**/ { create: R, start: R, stop: W, restart: R, reload: R, scale: R, delete: W, revive: R, restore: R, shutdown: W },
};

export function overlapOf(earlier: OpKind, newcomer: OpKind): Overlap {
  return OVERLAP[earlier][newcomer];
}

export interface OverlapDecision {
  /** The earlier operation that makes the newcomer fail, if any. */
  refusedBy: OpKind | null;
  /** Indexes (into `earlier`) of the operations the newcomer cancels. */
  cancel: number[];
}

/**
 * The newcomer against every operation of the app, the running one first: refused if any earlier
 * one refuses it (and then nothing is cancelled), otherwise it cancels those it supersedes.
 */
export function decideOverlap(earlier: readonly OpKind[], newcomer: OpKind): OverlapDecision {
  const refusedBy = earlier.find((kind) => overlapOf(kind, newcomer) === 'refuse') ?? null;
  if (refusedBy !== null) return { refusedBy, cancel: [] };
  const cancel = earlier.flatMap((kind, index) => (overlapOf(kind, newcomer) === 'supersede' ? [index] : []));
  return { refusedBy: null, cancel };
}
