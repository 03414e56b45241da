import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { freePort, get } from './net.js';
import { isAlive } from './procs.js';
import { waitFor } from './wait.js';

/** A real Prometheus (Debian's package, installed by .ci/run) with its own config and data in a temp dir. */
export class TestPrometheus {
  private constructor(
    readonly port: number,
    private readonly dir: string,
    private readonly child: ChildProcess,
    private readonly output: string[],
  ) {}

  /** What Prometheus printed, for a failure message. */
  logTail(): string {
    return this.output.join('').slice(-2000);
  }

  /** Starts Prometheus scraping `target` (host:port) every second; resolves once it is ready. */
  static async start(target: string): Promise<TestPrometheus> {
    const dir = mkdtempSync(join(tmpdir(), 'tsm-prom-'));
    const port = await freePort();
    const config = join(dir, 'prometheus.yml');
    writeFileSync(
      config,
      [
        'global:',
        '  scrape_interval: 1s',
        '  scrape_timeout: 1s',
        'scrape_configs:',
        '  - job_name: tsm',
        '    static_configs:',
        `      - targets: ['${target}']`,
        '',
      ].join('\n'),
    );
    const child = spawn(
      'prometheus',
      [`--config.file=${config}`, `--storage.tsdb.path=${join(dir, 'data')}`, `--web.listen-address=127.0.0.1:${port}`],
      // No TSM_HOME: Prometheus is the test's process, not one of the home's.
      { env: { PATH: process.env['PATH'] ?? '/usr/bin:/bin' }, stdio: ['ignore', 'pipe', 'pipe'] },
    );
    const output: string[] = [];
    child.stdout?.on('data', (chunk: Buffer) => output.push(chunk.toString()));
    child.stderr?.on('data', (chunk: Buffer) => output.push(chunk.toString()));
    const prometheus = new TestPrometheus(port, dir, child, output);
    try {
      await waitFor('Prometheus to be ready', async () => (await get(port, '/-/ready')).status === 200, { timeoutMs: 15_000 });
    } catch (error) {
      await prometheus.stop();
      throw new Error(`${(error as Error).message}\n${prometheus.logTail()}`);
    }
    return prometheus;
  }

  /** The instant query's result: one entry per series. */
  async query(promql: string): Promise<Array<{ metric: Record<string, string>; value: [number, string] }>> {
    const reply = await get(this.port, `/api/v1/query?query=${encodeURIComponent(promql)}`);
    const body = JSON.parse(reply.body) as { status: string; data?: { result: Array<{ metric: Record<string, string>; value: [number, string] }> } };
    if (body.status !== 'success' || !body.data) throw new Error(`query ${promql} failed: ${reply.body}`);
    return body.data.result;
  }

  /** The scrape target's health as Prometheus saw it last ('up', 'down', 'unknown'). */
  async targetHealth(): Promise<string> {
    const reply = await get(this.port, '/api/v1/targets');
    const body = JSON.parse(reply.body) as { data: { activeTargets: Array<{ health: string; lastError: string }> } };
    return body.data.activeTargets.map((t) => `${t.health}${t.lastError ? ` (${t.lastError})` : ''}`).join(', ');
  }

  /** Stops it by pid, checks it is gone (SIGKILL after a deadline), and removes its directory. */
  async stop(): Promise<void> {
    const pid = this.child.pid;
    try {
      if (pid !== undefined && isAlive(pid)) {
        this.child.kill('SIGTERM');
        try {
          await waitFor(`Prometheus (pid ${pid}) to exit`, () => !isAlive(pid), { timeoutMs: 10_000 });
        } catch (error) {
          this.child.kill('SIGKILL');
          await waitFor(`Prometheus (pid ${pid}) to die`, () => !isAlive(pid), { timeoutMs: 5_000 });
          throw error;
        }
      }
    } finally {
      rmSync(this.dir, { recursive: true, force: true });
    }
  }

  get pid(): number | undefined {
    return this.child.pid;
  }
}

/** `promtool check metrics` over an exposition: its exit code and what it said. */
export function promtoolCheck(exposition: string): Promise<{ code: number | null; output: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn('promtool', ['check', 'metrics'], { stdio: ['pipe', 'pipe', 'pipe'] });
    let output = '';
    child.stdout.on('data', (chunk: Buffer) => (output += chunk.toString()));
    child.stderr.on('data', (chunk: Buffer) => (output += chunk.toString()));
    child.once('error', reject);
    child.once('close', (code) => resolve({ code, output }));
    child.stdin.end(exposition);
  });
}
