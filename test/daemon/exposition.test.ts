import { describe, expect, it } from 'vitest';
import type { Status } from '../../src/core/status.js';
import { DaemonCounters } from '../../src/daemon/counters.js';
import { collectFamilies, type ScrapeInput } from '../../src/daemon/http/collect.js';
import { escapeLabelValue, formatValue, renderExposition } from '../../src/daemon/http/exposition.js';
import { notReady } from '../../src/daemon/http/readiness.js';
import type { ProcEntry } from '../../src/daemon/registry.js';

/** The fields of an entry that metrics read; the rest is not looked at. */
function entry(id: number, name: string, status: Status, extra: Partial<ProcEntry> = {}): ProcEntry {
  const running = status === 'online' || status === 'launching';
  return {
    id,
    instance: 0,
    spec: { name, execMode: 'fork' } as ProcEntry['spec'],
    status,
    desired: 'running',
    proc: running ? ({ pid: 1000 + id } as ProcEntry['proc']) : null,
    restarts: 0,
    startedAt: running ? 1_000 : null,
    sample: running ? { cpu: 12.5, memory: 50_000_000 } : null,
    ...extra,
  } as ProcEntry;
}

function input(entries: ProcEntry[], counters = new DaemonCounters()): ScrapeInput {
  return {
    entries,
    counters,
    now: 11_000,
    daemon: {
      startedAt: 1_000,
      cpu: { user: 1_500_000, system: 500_000 },
      memory: { rss: 52_000_000, heapUsed: 8_000_000, heapTotal: 0, external: 0, arrayBuffers: 0 },
      loopDelay: { p50: 0.01, p99: 0.02, max: 0.05 },
    },
  };
}

describe('exposition', () => {
  it('writes HELP and TYPE once per family, then the samples', () => {
    const text = renderExposition([
      { name: 'a_total', help: 'A\\B\nC', type: 'counter', samples: [{ labels: { x: '1' }, value: 2 }, { labels: {}, value: 3 }] },
      { name: 'b', help: 'empty', type: 'gauge', samples: [] },
    ]);
    expect(text).toBe(['# HELP a_total A\\\\B\\nC', '# TYPE a_total counter', 'a_total{x="1"} 2', 'a_total 3', '# HELP b empty', '# TYPE b gauge', ''].join('\n'));
  });

  it('escapes label values and spells out special numbers', () => {
    expect(escapeLabelValue('a"b\\c\nd')).toBe('a\\"b\\\\c\\nd');
    expect([NaN, Infinity, -Infinity, 0.5, 12].map(formatValue)).toEqual(['NaN', '+Inf', '-Inf', '0.5', '12']);
  });
});

describe('collectFamilies', () => {
  it('gives each process its labels, and the figures in base units', () => {
    const text = renderExposition(collectFamilies(input([entry(0, 'web', 'online'), entry(1, 'job', 'stopped', { desired: 'stopped', restarts: 2 })])));
    const labels = 'name="web",id="0",app_instance="0",exec_mode="fork"';
    expect(text).toContain(`tsm_process_memory_bytes{${labels}} 50000000\n`);
    expect(text).toContain(`tsm_process_cpu_usage_ratio{${labels}} 0.125\n`);
    expect(text).toContain(`tsm_process_uptime_seconds{${labels}} 10\n`);
    expect(text).toContain(`tsm_process_status{${labels},status="online"} 1\n`);
    expect(text).toContain(`tsm_process_status{${labels},status="errored"} 0\n`);
    // A process that does not run has no memory or cpu series, but its status and restarts.
    expect(text).not.toContain('tsm_process_memory_bytes{name="job"');
    expect(text).toContain('tsm_process_uptime_seconds{name="job",id="1",app_instance="0",exec_mode="fork"} 0\n');
    expect(text).toContain('tsm_process_restarts_total{name="job",id="1",app_instance="0",exec_mode="fork"} 2\n');
    expect(text).toContain('tsm_process_log_lines_total{name="job",id="1",app_instance="0",exec_mode="fork",stream="err"} 0\n');
    expect(text).toContain('tsm_daemon_cpu_seconds_total 2\n');
    expect(text).toContain('tsm_daemon_uptime_seconds 10\n');
    expect(text).toContain('tsm_daemon_event_loop_delay_p99_seconds 0.02\n');
  });

  it('reads the counters: log lines and bytes, the last restart cause, reloads as a histogram', () => {
    const web = entry(0, 'web', 'online', { restartCause: { kind: 'reload', cause: 'tsm reload', at: 1 } });
    const counters = new DaemonCounters();
    counters.logLine(web, 'out', 'héllo');
    counters.logLine(web, 'err', '');
    counters.reloaded('web', 'success', 0.3);
    counters.reloaded('web', 'failure', 4);
    counters.reloaded('gone', 'success', 1); // an app that was deleted: dropped at the scrape
    const text = renderExposition(collectFamilies(input([web], counters)));
    const labels = 'name="web",id="0",app_instance="0",exec_mode="fork"';
    expect(text).toContain(`tsm_process_log_lines_total{${labels},stream="out"} 1\n`);
    expect(text).toContain(`tsm_process_log_bytes_total{${labels},stream="out"} 7\n`);
    expect(text).toContain(`tsm_process_log_bytes_total{${labels},stream="err"} 1\n`);
    expect(text).toContain(`tsm_process_last_restart_info{${labels},cause="reload"} 1\n`);
    expect(text).not.toContain('cause="crash"');
    expect(text).toContain('tsm_app_reloads_total{name="web",result="success"} 1\n');
    expect(text).toContain('tsm_app_reloads_total{name="web",result="failure"} 1\n');
    expect(text).toContain('tsm_app_reload_duration_seconds_bucket{name="web",le="0.25"} 0\n');
    expect(text).toContain('tsm_app_reload_duration_seconds_bucket{name="web",le="0.5"} 1\n');
    expect(text).toContain('tsm_app_reload_duration_seconds_bucket{name="web",le="5"} 2\n');
    expect(text).toContain('tsm_app_reload_duration_seconds_bucket{name="web",le="+Inf"} 2\n');
    expect(text).toContain('tsm_app_reload_duration_seconds_sum{name="web"} 4.3\n');
    expect(text).toContain('tsm_app_reload_duration_seconds_count{name="web"} 2\n');
    expect(text).not.toContain('name="gone"');
  });

  it('escapes an app name that holds quotes', () => {
    const text = renderExposition(collectFamilies(input([entry(0, 'a"b', 'online')])));
    expect(text).toContain('tsm_process_memory_bytes{name="a\\"b",id="0"');
  });
});

describe('DaemonCounters', () => {
  it('times a reload by its outcome: success, failure, or cancelled when it throws', async () => {
    const counters = new DaemonCounters();
    await counters.timeReload('web', async () => null);
    await counters.timeReload('web', async () => 'the replacement did not listen');
    await expect(counters.timeReload('web', async () => Promise.reject(new Error('cancelled')))).rejects.toThrow('cancelled');
    expect(counters.appReloads(new Set(['web'])).get('web')?.results).toEqual({ success: 1, failure: 1, cancelled: 1 });
  });

});

describe('notReady', () => {
  it('names every process that should run and is not online; stopped and finished ones are fine', () => {
    expect(
      notReady([
        entry(2, 'api', 'errored'),
        entry(0, 'web', 'online'),
        entry(1, 'web', 'launching'),
        entry(3, 'old', 'stopped', { desired: 'stopped' }),
        entry(4, 'loop', 'waiting-restart'),
      ]),
    ).toEqual(['web (id 1) launching', 'api (id 2) errored', 'loop (id 4) waiting-restart']);
    expect(notReady([])).toEqual([]);
  });
});
