import { STATUSES } from '../../core/status.js';
import { TSM_VERSION } from '../../protocol/version.js';
import { RELOAD_BUCKETS_SECONDS, type DaemonCounters, type ProcessCounters } from '../counters.js';
import type { ProcEntry } from '../registry.js';
import type { Family, Labels } from './exposition.js';
import type { LoopDelay } from './loop-delay.js';

/** What a scrape reads: the daemon's records as they are now, nothing measured on request. */
export interface ScrapeInput {
  entries: readonly ProcEntry[];
  counters: DaemonCounters;
  daemon: {
    startedAt: number;
    cpu: NodeJS.CpuUsage;
    memory: NodeJS.MemoryUsage;
    loopDelay: LoopDelay;
  };
  now: number;
}

/**
 * The labels of a process. `app_instance`, not `instance`: Prometheus sets `instance` on every
 * series itself (the scraped target) and would rename ours to `exported_instance`.
 */
function processLabels(entry: ProcEntry): Labels {
  return { name: entry.spec.name, id: String(entry.id), app_instance: String(entry.instance), exec_mode: entry.spec.execMode };
}

/** Every family tsm exposes, in a fixed order; per-process figures are the sampler's last (sample-cadence.ts). */
export function collectFamilies(input: ScrapeInput): Family[] {
  const entries = [...input.entries].sort((a, b) => a.id - b.id);
  return [...processFamilies(entries, input), ...appFamilies(entries, input.counters), ...daemonFamilies(input)];
}

function processFamilies(entries: readonly ProcEntry[], input: ScrapeInput): Family[] {
  // Samples come every few seconds: a process that has stopped since is not running any more.
  const running = entries.filter((entry) => entry.proc !== null && entry.sample !== null);
  // A process that has not written yet has no counters: its series are 0, so rate() works from the start.
  const perStream = (pick: (counters: ProcessCounters) => ProcessCounters['lines']) =>
    entries.flatMap((entry) => {
      const counters = input.counters.processCounters(entry);
      const values = counters ? pick(counters) : { out: 0, err: 0 };
      return (['out', 'err'] as const).map((stream) => ({ labels: { ...processLabels(entry), stream }, value: values[stream] }));
    });
  return [
    {
      name: 'tsm_process_cpu_usage_ratio',
      help: 'CPU used by the process over the last sample (1 = one full core); absent while it does not run.',
      type: 'gauge',
      samples: running.map((entry) => ({ labels: processLabels(entry), value: (entry.sample?.cpu ?? 0) / 100 })),
    },
    {
      name: 'tsm_process_memory_bytes',
      help: 'Resident memory of the process (RSS); absent while it does not run.',
      type: 'gauge',
      samples: running.map((entry) => ({ labels: processLabels(entry), value: entry.sample?.memory ?? 0 })),
    },
    {
      name: 'tsm_process_status',
      help: "The process's status: 1 for the current one, 0 for the others.",
      type: 'gauge',
      samples: entries.flatMap((entry) =>
        STATUSES.map((status) => ({ labels: { ...processLabels(entry), status }, value: entry.status === status ? 1 : 0 })),
      ),
    },
    {
      name: 'tsm_process_uptime_seconds',
      help: 'Time since the current run of the process started; 0 while it does not run.',
      type: 'gauge',
      samples: entries.map((entry) => ({
        labels: processLabels(entry),
        value: entry.startedAt === null || entry.proc === null ? 0 : Math.max(0, (input.now - entry.startedAt) / 1000),
      })),
    },
    {
      name: 'tsm_process_restarts_total',
      help: 'Restarts of the process: after a crash, by a command (restart), or by a reload.',
      type: 'counter',
      samples: entries.map((entry) => ({ labels: processLabels(entry), value: entry.restarts })),
    },
    {
      name: 'tsm_process_last_restart_info',
      help: 'Why the process last restarted since the daemon started: crash, restart or reload (a command), memory (its limit), watch (a file change), cron.',
      type: 'gauge',
      samples: entries.flatMap((entry) => {
        const cause = entry.restartCause?.kind;
        return cause ? [{ labels: { ...processLabels(entry), cause }, value: 1 }] : [];
      }),
    },
    {
      name: 'tsm_process_log_lines_total',
      help: 'Lines the process wrote, by stream (out, err), since the daemon started.',
      type: 'counter',
      samples: perStream((counters) => counters.lines),
    },
    {
      name: 'tsm_process_log_bytes_total',
      help: 'Bytes of output the process wrote (each line and its newline), by stream, since the daemon started.',
      type: 'counter',
      samples: perStream((counters) => counters.bytes),
    },
  ];
}

function appFamilies(entries: readonly ProcEntry[], counters: DaemonCounters): Family[] {
  const names = new Set(entries.map((entry) => entry.spec.name));
  const reloads = [...counters.appReloads(names)].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
  return [
    {
      name: 'tsm_app_reloads_total',
      help: 'Reloads of the app, by result: success, failure (the old workers kept serving) or cancelled.',
      type: 'counter',
      samples: reloads.flatMap(([name, app]) =>
        (['success', 'failure', 'cancelled'] as const).map((result) => ({ labels: { name, result }, value: app.results[result] })),
      ),
    },
    {
      name: 'tsm_app_reload_duration_seconds',
      help: 'How long reloads of the app took, whatever their result.',
      type: 'histogram',
      samples: reloads.flatMap(([name, app]) => [
        ...RELOAD_BUCKETS_SECONDS.map((bound, index) => ({ suffix: '_bucket', labels: { name, le: String(bound) }, value: app.buckets[index] ?? 0 })),
        { suffix: '_bucket', labels: { name, le: '+Inf' }, value: app.count },
        { suffix: '_sum', labels: { name }, value: app.sumSeconds },
        { suffix: '_count', labels: { name }, value: app.count },
      ]),
    },
  ];
}

function daemonFamilies(input: ScrapeInput): Family[] {
  const { daemon } = input;
  const gauge = (name: string, help: string, value: number): Family => ({ name, help, type: 'gauge', samples: [{ labels: {}, value }] });
  return [
    {
      name: 'tsm_daemon_cpu_seconds_total',
      help: 'CPU time used by the daemon itself (user and system).',
      type: 'counter',
      samples: [{ labels: {}, value: (daemon.cpu.user + daemon.cpu.system) / 1e6 }],
    },
    gauge('tsm_daemon_resident_memory_bytes', "The daemon's resident memory (RSS).", daemon.memory.rss),
    gauge('tsm_daemon_heap_used_bytes', "The daemon's V8 heap in use.", daemon.memory.heapUsed),
    gauge('tsm_daemon_event_loop_delay_p50_seconds', "Median delay of the daemon's event loop since the previous scrape.", daemon.loopDelay.p50),
    gauge('tsm_daemon_event_loop_delay_p99_seconds', "99th percentile delay of the daemon's event loop since the previous scrape.", daemon.loopDelay.p99),
    gauge('tsm_daemon_event_loop_delay_max_seconds', "Longest delay of the daemon's event loop since the previous scrape.", daemon.loopDelay.max),
    gauge('tsm_daemon_uptime_seconds', 'Time since the daemon started.', Math.max(0, (input.now - daemon.startedAt) / 1000)),
    gauge('tsm_daemon_processes', 'Processes the daemon supervises, whatever their status.', input.entries.length),
    {
      name: 'tsm_daemon_info',
      help: 'The versions of tsm and Node the daemon runs (always 1).',
      type: 'gauge',
      samples: [{ labels: { version: TSM_VERSION, node_version: process.version }, value: 1 }],
    },
  ];
}
