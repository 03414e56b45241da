import type Pidusage from 'pidusage';
import type { Registry } from './registry.js';

interface Usage {
  cpu: number;
  memory: number;
}

/**
 * CPU and memory of every process, sampled in one batch per interval. `list`, `show` and
 * `monit` read the latest sample; nothing is measured on request.
 *
 * The timer runs only while there is work: a live process to measure, or a subscriber (monit)
 * waiting for the 'sample' tick. An idle daemon with no apps and no monit wakes for nothing;
 * the daemon calls wake() when a process is spawned or a subscriber arrives, and the timer
 * stops itself at the first tick that finds neither.
 *
 * pidusage, the project's library for this, does the measuring; its cost is contained: it is
 * loaded with the first live process (an idle daemon never loads it), and asked once per tick
 * for every pid together. This file is the only user of pidusage.
 */
export class MetricsSampler {
  private timer: NodeJS.Timeout | null = null;
  private running = false;
  private pidusage: typeof Pidusage | null = null;

  constructor(
    private readonly registry: Registry,
    private readonly intervalMs: number,
    private readonly onSample: () => void = () => {},
    private readonly hasSubscribers: () => boolean = () => false,
  ) {}

  /** Arms the timer if there is anything to sample or anyone to tell; idempotent. */
  start(): void {
    if (this.timer || !this.hasWork()) return;
    this.timer = setInterval(() => void this.tick(), this.intervalMs);
    this.timer.unref();
  }

  /** Something changed (a process spawned, a subscriber came): sample again if there is work. */
  wake(): void {
    this.start();
  }

  stop(): void {
    if (this.timer) clearInterval(this.timer);
    this.timer = null;
    this.pidusage?.clear();
  }

  get active(): boolean {
    return this.timer !== null;
  }

  private async tick(): Promise<void> {
    await this.sample();
    if (!this.hasWork() && this.timer) {
      clearInterval(this.timer);
      this.timer = null;
    }
  }

  private hasWork(): boolean {
    return this.hasSubscribers() || this.registry.all().some((entry) => entry.proc?.pid !== undefined);
  }

  async sample(): Promise<void> {
    if (this.running) return; // a slow sample is skipped, not stacked
    this.running = true;
    try {
      const entries = this.registry.all();
      const live = entries.filter((entry) => entry.proc?.pid !== undefined);
      this.pidusage ??= live.length > 0 ? (require('pidusage') as typeof Pidusage) : null;
      const stats = this.pidusage && live.length > 0 ? await usage(this.pidusage, live.map((entry) => entry.proc!.pid!)) : new Map<number, Usage>();
      for (const entry of entries) {
        const stat = entry.proc?.pid === undefined ? undefined : stats.get(entry.proc.pid);
        entry.sample = stat ? { cpu: Math.round(stat.cpu * 10) / 10, memory: stat.memory } : null;
      }
    } finally {
      this.running = false;
    }
    // Subscribers (monit) get a table every interval while they listen, even with no app running.
    this.onSample();
  }

}


/** One call for all pids; if one exited meanwhile the batch fails, and each pid is asked alone. */
async function usage(pidusage: typeof Pidusage, pids: number[]): Promise<Map<number, Usage>> {
  const result = new Map<number, Usage>();
  try {
    const stats = await pidusage(pids);
    for (const [pid, stat] of Object.entries(stats)) if (stat) result.set(Number(pid), stat);
  } catch {
    const settled = await Promise.allSettled(pids.map((pid) => pidusage(pid)));
    settled.forEach((outcome, index) => {
      const pid = pids[index];
      if (outcome.status === 'fulfilled' && pid !== undefined) result.set(pid, outcome.value);
    });
  }
  return result;
}
