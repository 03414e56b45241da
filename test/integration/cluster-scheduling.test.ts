import { existsSync, readFileSync } from 'node:fs';
import { afterEach, describe, expect, it } from 'vitest';
import type { SchedulingStatus } from '../../src/protocol/scheduling.js';
import { holdersOf } from '../../bench/lib/listeners.js';
import { runLoad } from '../helpers/load.js';
import { freePort, get } from '../helpers/net.js';
import { commandLineOf, processesOfHome } from '../helpers/procs.js';
import { RawClient } from '../helpers/raw-client.js';
import { RuntimeRun } from '../helpers/runtime.js';
import { TestHome } from '../helpers/tsm.js';
import { waitFor } from '../helpers/wait.js';

let home: TestHome;
afterEach(async () => {
  await home.cleanup();
});

async function status(env: Record<string, string> = {}): Promise<SchedulingStatus> {
  return JSON.parse((await home.ok(['cluster-scheduling', '--json'], { env })).stdout) as SchedulingStatus;
}

async function daemonFlags(): Promise<string[]> {
  return (JSON.parse((await home.ok(['ping', '--json'])).stdout) as { nodeFlags: string[] }).nodeFlags;
}

async function startWeb(port: number): Promise<number[]> {
  await home.ok(['start', 'http-server.js', '-i', '2', '--name', 'web'], { env: { PORT: String(port) } });
  return (await home.byName('web')).map((worker) => worker.pid!);
}

/** Both workers answer new connections (one connection per request): both get some. */
async function bothAnswer(port: number, workers: number[]): Promise<void> {
  const seen = new Set<number>();
  await waitFor(
    'both workers to answer a new connection',
    async () => {
      seen.add((JSON.parse((await get(port)).body) as { pid: number }).pid);
      return workers.every((pid) => seen.has(pid));
    },
    { timeoutMs: 20_000, intervalMs: 5 },
  );
}

describe('cluster scheduling', () => {
  it('is shared by default: every worker holds the listening socket and accepts, the daemon says so', async () => {
    home = new TestHome();
    const port = await freePort();
    const workers = await startWeb(port);
    const daemon = await home.daemonPid();
    expect(await status()).toMatchObject({ active: 'shared', source: 'default', saved: null, default: 'shared', pid: daemon });
    await waitFor('both workers to listen on the shared socket', () => holdersOf(port, workers).length === 2);
    await bothAnswer(port, workers);
    expect(readFileSync(home.paths.daemonLog, 'utf8')).toContain('cluster scheduling: shared (default)');
    // Off every connection's path, the daemon runs interpreted (core/daemon-node-flags.ts); its apps do not.
    expect(await daemonFlags()).toContain('--jitless');
    for (const worker of workers) expect(commandLineOf(worker)).not.toContain('--jitless');
  });

  it('loses no request across reloads with a new connection per request, and the new workers take the socket', async () => {
    home = new TestHome();
    const port = await freePort();
    const before = await startWeb(port);
    const load = runLoad(port, { clients: 6, keepAlive: false });
    await waitFor('the load to get answers', () => load.result.ok > 20);
    for (let i = 0; i < 2; i += 1) await home.ok(['reload', 'web']);
    const okAfterReloads = load.result.ok;
    await waitFor('answers from the new workers', () => load.result.ok > okAfterReloads + 20);
    const result = await load.stop();
    expect(result.failures).toEqual([]);
    const after = (await home.byName('web')).map((worker) => worker.pid!);
    expect(after.filter((pid) => before.includes(pid))).toEqual([]);
    expect(holdersOf(port, after)).toEqual(after);
  });

  it('round-robin is saved for the next daemon start, which then accepts every connection itself', async () => {
    home = new TestHome();
    const port = await freePort();
    const first = await startWeb(port);
    const saved = await home.run(['cluster-scheduling', 'round-robin']);
    expect(saved.code).toBe(0);
    expect(saved.stdout).toMatch(/^cluster scheduling: shared \(the default, daemon pid \d+\)/);
    expect(saved.stdout).toContain('saved for the next daemon start: round-robin');
    expect(saved.stderr).toContain('keeps shared until it stops');
    expect(saved.stderr).toContain('To apply it now: tsm update');
    expect(JSON.parse(readFileSync(home.paths.settingsFile, 'utf8'))).toMatchObject({ cluster: { scheduling: 'round-robin' } });
    // The running daemon is unchanged: its workers still accept for themselves.
    await waitFor('both workers to listen on the shared socket', () => holdersOf(port, first).length === 2);

    await home.ok(['kill']);
    const workers = await startWeb(port);
    const daemon = await home.daemonPid();
    expect(await status()).toMatchObject({ active: 'round-robin', source: 'setting', saved: 'round-robin', pid: daemon });
    await bothAnswer(port, workers);
    expect(holdersOf(port, [daemon, ...workers])).toEqual([daemon]);
    // Dealing out every connection, it keeps V8's compilers.
    expect(await daemonFlags()).not.toContain('--jitless');
  });

  it('TSM_CLUSTER_SCHEDULING wins for the daemon it starts; a bad value is refused before any daemon starts', async () => {
    home = new TestHome();
    const refused = await home.run(['start', 'http-server.js', '-i', '2'], { env: { TSM_CLUSTER_SCHEDULING: 'sometimes', PORT: '1' } });
    expect(refused.code).toBe(2);
    expect(refused.stderr).toContain("TSM_CLUSTER_SCHEDULING 'sometimes' is not a cluster scheduling policy");
    expect(existsSync(home.paths.socket)).toBe(false);
    expect(processesOfHome(home.home)).toEqual([]);

    const runtime = new RuntimeRun(home, ['http-server.js', '-i', '2'], { env: { TSM_CLUSTER_SCHEDULING: 'fast', PORT: '1' } });
    expect((await runtime.exit()).code).toBe(2);
    expect(runtime.stderr).toContain("TSM_CLUSTER_SCHEDULING 'fast' is not a cluster scheduling policy");
    expect(existsSync(home.paths.pidFile)).toBe(false);

    await home.ok(['cluster-scheduling', 'shared']);
    await home.ok(['kill']);
    expect(await status({ TSM_CLUSTER_SCHEDULING: 'round-robin' })).toMatchObject({ active: 'round-robin', source: 'environment', saved: 'shared' });
  });

  it('refuses a bad policy with exit 2 and changes nothing, from the CLI and over the socket', async () => {
    home = new TestHome();
    const before = await home.run(['cluster-scheduling', 'fast']);
    expect(before.code).toBe(2);
    expect(before.stderr).toContain("cluster-scheduling: 'fast' is not a cluster scheduling policy. Use 'shared'");
    expect(existsSync(home.paths.socket)).toBe(false); // refused before any daemon was started

    await home.ok(['cluster-scheduling', 'round-robin']);
    const file = readFileSync(home.paths.settingsFile, 'utf8');
    for (const value of ['Round-Robin', 'rr', '']) {
      const result = await home.run(['cluster-scheduling', value]);
      expect(result.code).toBe(2);
      expect(result.stderr).toContain('is not a cluster scheduling policy');
    }
    const { client } = await RawClient.open(home.paths.socket);
    try {
      for (const [id, set] of [[1, 'none'], [2, 42], [3, { policy: 'shared' }]] as const) {
        const reply = await client.request({ id, method: 'scheduling', params: { set } });
        expect(reply.ok).toBe(false);
        expect(reply.error?.code).toBe('E_USAGE');
        expect(reply.error?.message).toContain('is not a cluster scheduling policy');
      }
    } finally {
      client.close();
    }
    expect(readFileSync(home.paths.settingsFile, 'utf8')).toBe(file);
    expect(await status()).toMatchObject({ active: 'shared', saved: 'round-robin' });
  });
});
