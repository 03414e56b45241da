import type Pidusage from 'pidusage';
import type { Registry } from './registry.js';
import { dueAfterSample, dueAfterWake, intervalFor, type Cadence, type SamplingNeeds } from './sample-cadence.js';

/** What one process measured: percent of one core since the previous reading, RSS in bytes. */
export interface Usage {
  cpu: number;
  memory: number;
}

/** Measures many pids at once; a pid that is gone maps to nothing. */
export type MeasureUsage = (pids: number[]) => Promise<Readonly<Record<number, Usage | null | undefined>>>;

export interface SamplerOptions {
  /** How often (see sample-cadence.ts). */
  cadence: Cadence;
  /** After each sample: memory limits are checked, subscribers get their table. */
  onSample?: () => void;
  /** Whether anyone listens for every sample (monit). */
  hasSubscribers?: () => boolean;
  /** pidusage unless a test gives another. */
  measure?: MeasureUsage;
  /** The clock the cadence is computed with; tests give a fake one. */
  now?: () => number;
}

/**
 * CPU and memory of every process, sampled in one batch, at the cadence of sample-cadence.ts:
 * every few seconds, each second while someone needs it, no timer at all when there is nothing
 * to measure and no one to tell. `list`, `show`, /metrics and `monit` read the latest sample;
 * nothing is measured on request. The daemon calls wake() when a process is spawned or a
 * subscriber arrives; every sample decides when the next one runs, or that none does.
 *
 * pidusage, the project's library for this, does the measuring; its cost is contained: it is
 * loaded with the first live process (an idle daemon never loads it), and asked once per tick
 * for every pid together. Its CPU figure is the average since the pid's previous reading, so
 * over the last sampling window. This file is the only user of pidusage.
 *
 * A sample allocates as little as it can on this side (the pid list is reused, figures are
 * updated in place): what remains is pidusage's own reading of the files.
 */
export class MetricsSampler {
  private timer: NodeJS.Timeout | null = null;
  private dueAt: number | null = null;
  private running = false;
  private pidusage: typeof Pidusage | null = null;
  private readonly pids: number[] = [];
  private readonly needs: SamplingNeeds = { live: false, subscribers: false, memoryLimit: false };
  private readonly cadence: Cadence;
  private readonly onSample: () => void;
  private readonly hasSubscribers: () => boolean;
  private readonly measure: MeasureUsage;
  private readonly now: () => number;
  private readonly fire = (): void => {
    this.timer = null;
    this.dueAt = null;
    void this.tick();
  };

  constructor(
    private readonly registry: Registry,
    options: SamplerOptions,
  ) {
    this.cadence = options.cadence;
    this.onSample = options.onSample ?? (() => {});
    this.hasSubscribers = options.hasSubscribers ?? (() => false);
    this.measure = options.measure ?? ((pids) => this.measureWithPidusage(pids));
    this.now = options.now ?? Date.now;
  }

  /** Arms the timer if there is anything to sample or anyone to tell; idempotent. */
  start(): void {
    this.wake();
  }

  /**
   * Something changed (a process spawned, a subscriber came): fresh figures within one fast
   * interval, if there is work. A sample already due sooner is kept.
   */
  wake(): void {
    const due = dueAfterWake(this.now(), this.dueAt, this.readNeeds(), this.cadence);
    if (due !== null) this.arm(due);
  }

  stop(): void {
    this.disarm();
    this.pidusage?.clear();
  }

  get active(): boolean {
    return this.timer !== null;
  }

  /** The steady time between samples now, null when none is due (`ping --json`: `sampleIntervalMs`). */
  get intervalMs(): number | null {
    return this.timer === null ? null : intervalFor(this.readNeeds(), this.cadence);
  }

  private async tick(): Promise<void> {
    const startedAt = this.now();
    await this.sample();
    // A wake during the sample may have armed a sooner one; otherwise the rule decides.
    if (this.timer !== null) return;
    const due = dueAfterSample(startedAt, this.now(), this.readNeeds(), this.cadence);
    if (due !== null) this.arm(due);
  }

  private arm(at: number): void {
    this.disarm();
    this.dueAt = at;
    this.timer = setTimeout(this.fire, Math.max(0, at - this.now()));
    // The socket keeps the daemon alive, not the sampler: a test that only builds one can end.
    this.timer.unref();
  }

  private disarm(): void {
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
    this.dueAt = null;
  }

  /** Counted in one pass, into one object kept for the purpose. */
  private readNeeds(): SamplingNeeds {
    const needs = this.needs;
    needs.live = false;
    needs.memoryLimit = false;
    for (const entry of this.registry.all()) {
      if (entry.proc?.pid === undefined) continue;
      needs.live = true;
      if (entry.spec.maxMemoryRestart > 0) {
        needs.memoryLimit = true;
        break;
      }
    }
    needs.subscribers = this.hasSubscribers();
    return needs;
  }

  async sample(): Promise<void> {
    if (this.running) return; // a slow sample is skipped, not stacked
    this.running = true;
    try {
      const pids = this.pids;
      pids.length = 0;
      for (const entry of this.registry.all()) {
        const pid = entry.proc?.pid;
        if (pid !== undefined) pids.push(pid);
      }
      const stats = pids.length > 0 ? await this.measure(pids).catch(() => null) : null;
      // Read again: entries added or restarted during the measure get theirs at the next sample.
      for (const entry of this.registry.all()) {
        const pid = entry.proc?.pid;
        const stat = pid === undefined || stats === null ? undefined : stats[pid];
        if (!stat) entry.sample = null;
        else if (entry.sample) {
          entry.sample.cpu = Math.round(stat.cpu * 10) / 10;
          entry.sample.memory = stat.memory;
        } else entry.sample = { cpu: Math.round(stat.cpu * 10) / 10, memory: stat.memory };
      }
    } finally {
      this.running = false;
    }
    // Subscribers (monit) get a table every interval while they listen, even with no app running.
    this.onSample();
  }

  /**
   * One call for all pids. pidusage answers null for a pid that exited meanwhile, and fails only
   * when it was asked for that pid alone: then there is nothing to report anyway.
   */
  private measureWithPidusage(pids: number[]): Promise<Record<number, Usage | null>> {
    this.pidusage ??= require('pidusage') as typeof Pidusage;
    return this.pidusage(pids);
  }
}
