import type { StreamName } from './logs/output-capture.js';
import type { ProcEntry } from './registry.js';

export type ReloadResult = 'success' | 'failure' | 'cancelled';

/** Upper bounds of the reload-duration histogram, in seconds: a reload takes a listen timeout or so per worker. */
export const RELOAD_BUCKETS_SECONDS = [0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 120] as const;

export interface ProcessCounters {
  lines: Record<StreamName, number>;
  bytes: Record<StreamName, number>;
}

export interface AppReloads {
  results: Record<ReloadResult, number>;
  /** Cumulative counts per bucket of RELOAD_BUCKETS_SECONDS, then the sum and count. */
  buckets: number[];
  sumSeconds: number;
  count: number;
}

/**
 * What the daemon counts for /metrics that it did not already keep: log lines and bytes, and
 * reloads by result and their duration (why a process last restarted is on its entry). Incremented where these
 * happen (one line each), read at scrape time; nothing here runs on its own.
 *
 * Per-process counters hang off the entry in a WeakMap, so a deleted process takes its counters
 * with it; a process that replaces it (start -f) starts from zero, which Prometheus reads as the
 * counter reset it is.
 */
export class DaemonCounters {
  private readonly processes = new WeakMap<ProcEntry, ProcessCounters>();
  private readonly apps = new Map<string, AppReloads>();

  /** One line of an app's output, `line` without its newline. */
  logLine(entry: ProcEntry, stream: StreamName, line: string): void {
    const counters = this.of(entry);
    counters.lines[stream] += 1;
    counters.bytes[stream] += Buffer.byteLength(line, 'utf8') + 1;
  }

  /**
   * Times one app's reload: it resolves with null (success) or the reason it failed, or throws
   * when cancelled (a stop or delete came in) or on an unexpected error.
   */
  async timeReload(name: string, reload: () => Promise<string | null>): Promise<string | null> {
    const began = performance.now();
    let result: ReloadResult = 'cancelled';
    try {
      const failure = await reload();
      result = failure === null ? 'success' : 'failure';
      return failure;
    } finally {
      this.reloaded(name, result, (performance.now() - began) / 1000);
    }
  }

  reloaded(name: string, result: ReloadResult, seconds: number): void {
    let app = this.apps.get(name);
    if (!app) {
      app = { results: { success: 0, failure: 0, cancelled: 0 }, buckets: RELOAD_BUCKETS_SECONDS.map(() => 0), sumSeconds: 0, count: 0 };
      this.apps.set(name, app);
    }
    app.results[result] += 1;
    RELOAD_BUCKETS_SECONDS.forEach((bound, index) => {
      if (seconds <= bound) app.buckets[index] = (app.buckets[index] ?? 0) + 1;
    });
    app.sumSeconds += seconds;
    app.count += 1;
  }

  processCounters(entry: ProcEntry): ProcessCounters | undefined {
    return this.processes.get(entry);
  }

  /** Reload counters of the apps that still exist; those of deleted apps are dropped here. */
  appReloads(names: ReadonlySet<string>): Map<string, AppReloads> {
    for (const name of this.apps.keys()) if (!names.has(name)) this.apps.delete(name);
    return this.apps;
  }

  private of(entry: ProcEntry): ProcessCounters {
    let counters = this.processes.get(entry);
    if (!counters) {
      counters = { lines: { out: 0, err: 0 }, bytes: { out: 0, err: 0 } };
      this.processes.set(entry, counters);
    }
    return counters;
  }
}
