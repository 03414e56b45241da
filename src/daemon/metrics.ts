import type Pidusage from 'pidusage';
import { ProcStat, type Usage } from './proc-stat.js';
import type { ProcEntry, Registry } from './registry.js';

/**
 * CPU and memory of every process, sampled in one batch per interval. `list`, `show` and
 * `monit` read the latest sample; nothing is measured on request.
 *
 * The timer runs only while there is work: a live process to measure, or a subscriber (monit)
 * waiting for the 'sample' tick. An idle daemon with no apps and no monit wakes for nothing;
 * the daemon calls wake() when a process is spawned or a subscriber arrives, and the timer
 * stops itself at the first tick that finds neither.
 *
 * On Linux the samples come from ProcStat (synchronous /proc reads, no per-tick garbage);
 * elsewhere from pidusage (`ps`), loaded only there. This file is the only user of pidusage.
 */
export class MetricsSampler {
  private timer: NodeJS.Timeout | null = null;
  private running = false;
  private readonly procStat = process.platform === 'linux' ? new ProcStat() : null;

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
    this.procStat?.clear();
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
      if (this.procStat) this.sampleProc(this.procStat, entries);
      else await samplePidusage(entries);
    } finally {
      this.running = false;
    }
    // Subscribers (monit) get a table every interval while they listen, even with no app running.
    this.onSample();
  }

  /** No allocation once every pid is known: each entry's sample object is reused. */
  private sampleProc(procStat: ProcStat, entries: ProcEntry[]): void {
    procStat.begin();
    for (const entry of entries) {
      const pid = entry.proc?.pid;
      const into = entry.sample ?? { cpu: 0, memory: 0 };
      if (pid !== undefined && procStat.read(pid, into)) {
        into.cpu = Math.round(into.cpu * 10) / 10;
        entry.sample = into;
      } else entry.sample = null;
    }
    procStat.end();
  }
}

async function samplePidusage(entries: ProcEntry[]): Promise<void> {
  const live = entries.filter((entry) => entry.proc?.pid !== undefined);
  const stats = live.length > 0 ? await usage(live.map((entry) => entry.proc!.pid!)) : new Map<number, Usage>();
  for (const entry of entries) {
    const stat = entry.proc?.pid === undefined ? undefined : stats.get(entry.proc.pid);
    entry.sample = stat ? { cpu: Math.round(stat.cpu * 10) / 10, memory: stat.memory } : null;
  }
}

/** One call for all pids; if one exited meanwhile the batch fails, and each pid is asked alone. */
async function usage(pids: number[]): Promise<Map<number, Usage>> {
  const pidusage = require('pidusage') as typeof Pidusage;
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
