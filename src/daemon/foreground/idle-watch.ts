import type { Status } from '../../core/status.js';
import type { DaemonState } from '../state.js';

/** A process in one of these still runs, or is about to again (a crash's restart delay). */
const ALIVE: ReadonlySet<Status> = new Set<Status>(['launching', 'online', 'waiting-restart', 'stopping']);

/**
 * How the daemon's apps stand, as one phrase per app (`web: errored`), or null while any process
 * runs or any app has an operation under way (a restart passes through 'stopped' for a moment).
 */
export function idleSummary(state: DaemonState): string | null {
  if (state.owners.busy().length > 0) return null;
  const entries = state.registry.all();
  if (entries.some((entry) => ALIVE.has(entry.status))) return null;
  if (entries.length === 0) return 'no app is left (deleted)';
  return entries.map((entry) => `${entry.spec.name}-${entry.id}: ${entry.status}`).join(', ');
}

/**
 * For a container: once no app is left running (they all exited for good, or are `errored`
 * after the restart limit, or were stopped), `onIdle` is called, and the runtime exits non-zero
 * so the orchestrator restarts the container. Polled: the supervisor has no event for "the last
 * process is gone", and a quarter second is nothing next to an orchestrator's restart.
 */
export class IdleWatch {
  private timer: NodeJS.Timeout | null = null;

  constructor(
    private readonly state: DaemonState,
    private readonly onIdle: (summary: string) => void,
    private readonly intervalMs = 250,
  ) {}

  start(): void {
    this.timer = setInterval(() => {
      if (this.state.shuttingDown) return this.stop();
      const summary = idleSummary(this.state);
      if (summary === null) return;
      this.stop();
      this.onIdle(summary);
    }, this.intervalMs);
  }

  stop(): void {
    if (this.timer) clearInterval(this.timer);
    this.timer = null;
  }
}
