import { monitorEventLoopDelay, type IntervalHistogram } from 'node:perf_hooks';

export interface LoopDelay {
  p50: number;
  p99: number;
  max: number;
}

/**
 * The daemon's event-loop delay, from Node's own sampler (a libuv timer inside Node, no timer of
 * ours). It runs only while the metrics endpoint is on, and each scrape reads then resets it, so
 * a figure covers the time since the previous scrape.
 */
export class LoopDelayMonitor {
  private readonly histogram: IntervalHistogram = monitorEventLoopDelay({ resolution: 20 });

  constructor() {
    this.histogram.enable();
  }

  /** Seconds; zeros before the sampler has a value. */
  readAndReset(): LoopDelay {
    const h = this.histogram;
    const seconds = (nanoseconds: number): number => (h.count > 0 && Number.isFinite(nanoseconds) ? nanoseconds / 1e9 : 0);
    const figures = { p50: seconds(h.percentile(50)), p99: seconds(h.percentile(99)), max: seconds(h.max) };
    h.reset();
    return figures;
  }

  stop(): void {
    this.histogram.disable();
  }
}
