import { readFileSync } from 'node:fs';
import { createServer, type Server } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import type { MetricsStatus } from '../../src/protocol/metrics.js';
import { freePort, get } from '../helpers/net.js';
import { isAlive } from '../helpers/procs.js';
import { promtoolCheck, TestPrometheus } from '../helpers/prometheus.js';
import { TestHome } from '../helpers/tsm.js';
import { waitFor } from '../helpers/wait.js';

let home: TestHome;
let prometheus: TestPrometheus | null = null;
let blocker: Server | null = null;

afterEach(async () => {
  const pid = prometheus?.pid;
  try {
    await prometheus?.stop();
    if (pid !== undefined) expect(isAlive(pid)).toBe(false);
  } finally {
    prometheus = null;
    blocker?.close();
    blocker = null;
    await home.cleanup();
  }
});

async function metricsStatus(): Promise<MetricsStatus> {
  return JSON.parse((await home.ok(['metrics', 'status', '--json'])).stdout) as MetricsStatus;
}

/** Values of one metric in an exposition, by their label sets as written. */
function samplesOf(exposition: string, name: string): string[] {
  return exposition.split('\n').filter((line) => line.startsWith(`${name}{`) || line.startsWith(`${name} `));
}

describe('metrics endpoint', () => {
  it('is scraped by a real Prometheus: one memory series per process; promtool accepts the exposition', async () => {
    home = new TestHome();
    const port = await freePort();
    await home.ok(['metrics', 'enable', `127.0.0.1:${port}`]);
    await home.ok(['start', 'idle.js', '--name', 'web', '-i', '2']);
    await home.ok(['start', 'idle.js', '--name', 'worker']);
    // The sampler fills memory once a second: wait until each of the 3 processes has a figure
    // (and has printed its line).
    const exposition = await waitFor('a memory sample and a log line of each process', async () => {
      const { body } = await get(port, '/metrics');
      const printed = samplesOf(body, 'tsm_process_log_lines_total').filter((line) => line.includes('stream="out"} 1'));
      return samplesOf(body, 'tsm_process_memory_bytes').length === 3 && printed.length === 3 ? body : null;
    });
    expect(samplesOf(exposition, 'tsm_process_memory_bytes')).toEqual([
      expect.stringMatching(/^tsm_process_memory_bytes\{name="web",id="0",app_instance="0",exec_mode="cluster"\} [1-9]\d+$/),
      expect.stringMatching(/^tsm_process_memory_bytes\{name="web",id="1",app_instance="1",exec_mode="cluster"\} [1-9]\d+$/),
      expect.stringMatching(/^tsm_process_memory_bytes\{name="worker",id="2",app_instance="0",exec_mode="fork"\} [1-9]\d+$/),
    ]);
    expect(samplesOf(exposition, 'tsm_process_log_lines_total')).toContain(
      'tsm_process_log_lines_total{name="worker",id="2",app_instance="0",exec_mode="fork",stream="out"} 1',
    );
    expect(exposition).toMatch(/^tsm_daemon_resident_memory_bytes [1-9]\d+$/m);
    const check = await promtoolCheck(exposition);
    expect(check).toEqual({ code: 0, output: '' });

    prometheus = await TestPrometheus.start(`127.0.0.1:${port}`);
    const series = await waitFor(
      'Prometheus to have scraped a memory series of each process',
      async () => {
        const result = await prometheus!.query('tsm_process_memory_bytes');
        return result.length === 3 ? result : null;
      },
      { timeoutMs: 15_000, intervalMs: 250 },
    ).catch(async (error: Error) => {
      throw new Error(`${error.message}; target: ${await prometheus!.targetHealth()}\n${prometheus!.logTail()}`);
    });
    expect(series.map((s) => `${s.metric['name']}/${s.metric['id']}/${s.metric['exec_mode']}`).sort()).toEqual([
      'web/0/cluster',
      'web/1/cluster',
      'worker/2/fork',
    ]);
    for (const s of series) expect(Number(s.value[1])).toBeGreaterThan(0);
    expect(await prometheus.query('up{job="tsm"}')).toEqual([expect.objectContaining({ value: [expect.any(Number), '1'] })]);
  });

  it('/readyz is 503 naming an errored app, 200 once it is restarted healthy; /healthz is 200', async () => {
    home = new TestHome();
    const port = await freePort();
    const appPort = await freePort();
    await home.ok(['metrics', 'enable', String(port)]);
    expect(await get(port, '/healthz')).toEqual({ status: 200, body: 'ok\n' });
    expect(await get(port, '/readyz')).toEqual({ status: 200, body: 'ready\n' });

    // Crashes at start: one restart, then errored.
    await home.ok(['start', 'reloadable.js', '--name', 'api', '--max-restarts', '1'], { env: { MODE: 'crash', PORT: String(appPort) } });
    await waitFor('api to be errored', async () => (await home.byName('api'))[0]?.status === 'errored');
    expect(await get(port, '/readyz')).toEqual({ status: 503, body: 'not ready: api (id 0) errored\n' });
    expect((await get(port, '/healthz')).status).toBe(200);
    const crashed = (await get(port, '/metrics')).body;
    expect(crashed).toContain('tsm_process_restarts_total{name="api",id="0",app_instance="0",exec_mode="fork"} 1');
    expect(crashed).toContain('tsm_process_last_restart_info{name="api",id="0",app_instance="0",exec_mode="fork",cause="crash"} 1');
    expect(crashed).toContain('tsm_process_status{name="api",id="0",app_instance="0",exec_mode="fork",status="errored"} 1');

    await home.ok(['restart', 'api', '--update-env'], { env: { MODE: 'ok', PORT: String(appPort) } });
    await waitFor('/readyz to answer 200', async () => (await get(port, '/readyz')).status === 200);
    const healthy = (await get(port, '/metrics')).body;
    expect(healthy).toContain('tsm_process_last_restart_info{name="api",id="0",app_instance="0",exec_mode="fork",cause="restart"} 1');

    // A reload is counted per app with its result and duration.
    await home.ok(['reload', 'api']);
    const reloaded = (await get(port, '/metrics')).body;
    expect(reloaded).toContain('tsm_app_reloads_total{name="api",result="success"} 1');
    expect(reloaded).toContain('tsm_app_reload_duration_seconds_count{name="api"} 1');
    // A stopped app is not waited for.
    await home.ok(['stop', 'api']);
    expect(await get(port, '/readyz')).toEqual({ status: 200, body: 'ready\n' });
  });

  it('refuses a taken or malformed address and keeps the old one; the setting survives tsm kill; disable stops it', async () => {
    home = new TestHome();
    const port = await freePort();
    await home.ok(['metrics', 'enable', `127.0.0.1:${port}`]);
    const saved = readFileSync(home.paths.settingsFile, 'utf8');
    expect(JSON.parse(saved)).toEqual({ version: 1, metrics: { enabled: true, address: `127.0.0.1:${port}` } });

    blocker = createServer();
    const taken = await freePort();
    await new Promise<void>((resolve) => blocker!.listen(taken, '127.0.0.1', resolve));
    const refused = await home.run(['metrics', 'enable', `127.0.0.1:${taken}`]);
    expect(refused.code).toBe(1);
    expect(refused.stderr).toContain(`127.0.0.1:${taken} is taken`);
    const malformed = await home.run(['metrics', 'enable', '127.0.0.1:99999']);
    expect(malformed.code).toBe(2);
    expect(malformed.stderr).toContain("metrics address '127.0.0.1:99999': port 99999 is not between 1 and 65535");
    expect(await metricsStatus()).toMatchObject({ enabled: true, listening: `127.0.0.1:${port}`, error: null });
    expect(readFileSync(home.paths.settingsFile, 'utf8')).toBe(saved);
    expect((await get(port, '/healthz')).status).toBe(200);

    // Moving it: the new address answers, the old one no longer does.
    const moved = await freePort();
    await home.ok(['metrics', 'enable', `127.0.0.1:${moved}`]);
    expect((await get(moved, '/healthz')).status).toBe(200);
    await expect(get(port, '/healthz')).rejects.toThrow(/ECONNREFUSED/);

    const firstDaemon = await home.daemonPid();
    await home.ok(['kill']);
    expect(await metricsStatus()).toMatchObject({ enabled: true, listening: `127.0.0.1:${moved}` });
    expect(await home.daemonPid()).not.toBe(firstDaemon);
    expect((await get(moved, '/healthz')).status).toBe(200);

    await home.ok(['metrics', 'disable']);
    await expect(get(moved, '/healthz')).rejects.toThrow(/ECONNREFUSED/);
    expect(await metricsStatus()).toMatchObject({ enabled: false, listening: null, address: `127.0.0.1:${moved}` });
    // enable without an address takes the last one again.
    await home.ok(['metrics', 'enable']);
    expect((await get(moved, '/healthz')).status).toBe(200);
  });
});
