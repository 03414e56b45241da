import pidusage from 'pidusage';
import type { Registry } from './registry.js';

/**
 * CPU and memory of every process, sampled in one batched pidusage call on an interval.
 * `list`, `show` and `monit` read the latest sample; nothing is measured on request.
 * This file is the only user of pidusage.
 */
export class MetricsSampler {
  private timer: NodeJS.Timeout | null = null;
  private running = false;

  constructor(
    private readonly registry: Registry,
    private readonly intervalMs: number,
    private readonly onSample: () => void = () => {},
  ) {}

  start(): void {
    if (this.timer) return;
    this.timer = setInterval(() => void this.sample(), this.intervalMs);
    this.timer.unref();
  }

  stop(): void {
    if (this.timer) clearInterval(this.timer);
    this.timer = null;
    pidusage.clear();
  }

  async sample(): Promise<void> {
    if (this.running) return; // a slow sample is skipped, not stacked
    this.running = true;
    try {
      const entries = this.registry.all();
      const live = entries.filter((entry) => entry.proc?.pid !== undefined);
      const stats = live.length > 0 ? await usage(live.map((entry) => entry.proc!.pid!)) : new Map();
      for (const entry of entries) {
        const stat = entry.proc?.pid === undefined ? undefined : stats.get(entry.proc.pid);
        entry.sample = stat ? { cpu: Math.round(stat.cpu * 10) / 10, memory: stat.memory } : null;
      }
    } finally {
      this.running = false;
    }
    // Subscribers (monit) get a table every interval, even with no app running.
    this.onSample();
  }
}

/** One call for all pids; if one exited meanwhile the batch fails, and each pid is asked alone. */
async function usage(pids: number[]): Promise<Map<number, { cpu: number; memory: number }>> {
  const result = new Map<number, { cpu: number; memory: number }>();
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
