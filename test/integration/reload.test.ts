import { readFileSync } from 'node:fs';
import { afterEach, describe, expect, it } from 'vitest';
import { runLoad } from '../helpers/load.js';
import { freePort, get } from '../helpers/net.js';
import { isAlive, processesOfHome } from '../helpers/procs.js';
import { TestHome } from '../helpers/tsm.js';
import { waitFor } from '../helpers/wait.js';

let home: TestHome;
afterEach(async () => {
  await home.cleanup();
});

/** The app processes of the home: those running the reloadable fixture. */
function workersOfHome(): number[] {
  return processesOfHome(home.home).filter((pid) => {
    try {
      return readFileSync(`/proc/${pid}/cmdline`, 'utf8').includes('reloadable.js');
    } catch {
      return false;
    }
  });
}

async function startWeb(port: number, extra: string[] = [], env: Record<string, string> = {}) {
  await home.ok(['start', 'reloadable.js', '-i', '2', '--name', 'web', ...extra], { env: { PORT: String(port), ...env } });
  await waitFor('the workers to answer', () => get(port).catch(() => null));
  return home.byName('web');
}

describe('reload', () => {
  it('replaces every worker, keeps NODE_APP_INSTANCE and ids, and reports each step', async () => {
    home = new TestHome();
    const port = await freePort();
    const before = await startWeb(port);
    const reloaded = await home.ok(['reload', 'web'], { env: { PORT: String(port) } });
    for (const worker of before) {
      expect(reloaded.stderr).toMatch(new RegExp(`web \\(id ${worker.id}, instance ${worker.instance}\\): pid ${worker.pid} → \\d+, ready in \\d+ ms`));
    }
    const after = await home.byName('web');
    expect(after.map((w) => [w.id, w.instance, w.status, w.restarts])).toEqual([
      [before[0]!.id, 0, 'online', 1],
      [before[1]!.id, 1, 'online', 1],
    ]);
    for (let i = 0; i < 2; i += 1) expect(after[i]!.pid).not.toBe(before[i]!.pid);
    for (const worker of before) expect(isAlive(worker.pid!)).toBe(false);
    const instances = new Set<string>();
    await waitFor('both new instances to answer', async () => {
      instances.add(JSON.parse((await get(port)).body).instance);
      return instances.size === 2;
    });
  });

  for (const keepAlive of [true, false]) {
    it(`loses no request across reloads (keep-alive ${keepAlive ? 'on' : 'off'})`, async () => {
      home = new TestHome();
      const port = await freePort();
      await startWeb(port);
      const load = runLoad(port, { clients: 6, keepAlive });
      await waitFor('the load to get answers', () => load.result.ok > 20);
      for (let i = 0; i < 3; i += 1) await home.ok(['reload', 'web']);
      const okBeforeStop = load.result.ok;
      await waitFor('answers from the last workers', () => load.result.ok > okBeforeStop + 20);
      const result = await load.stop();
      expect(result.failures).toEqual([]);
      expect(result.ok).toBeGreaterThan(100);
    });
  }

  it('lets requests in flight on the old worker finish', async () => {
    home = new TestHome();
    const port = await freePort();
    await startWeb(port);
    const slow = [get(port, '/?delay=1500'), get(port, '/?delay=1500')];
    await home.ok(['reload', 'web']);
    for (const answer of await Promise.all(slow)) expect(answer.status).toBe(200);
  });

  it('restart under the same load does lose requests, so the load can see failures', async () => {
    home = new TestHome();
    const port = await freePort();
    await startWeb(port);
    const load = runLoad(port, { clients: 6, keepAlive: true });
    await waitFor('the load to get answers', () => load.result.ok > 20);
    await home.ok(['restart', 'web']);
    await waitFor('answers after the restart', async () => (await get(port).catch(() => null)) !== null);
    const result = await load.stop();
    expect(result.failures.length).toBeGreaterThan(0);
  });

  it('fails when a replacement never listens: the old workers keep serving, exit 1, the log says why', async () => {
    home = new TestHome();
    const port = await freePort();
    const before = await startWeb(port, ['--listen-timeout', '700']);
    const reloaded = await home.run(['reload', 'web', '--update-env'], { env: { PORT: String(port), MODE: 'hang' } });
    expect(reloaded.code).toBe(1);
    expect(reloaded.stderr).toContain('reload of web failed at instance 0');
    expect(reloaded.stderr).toContain('did not listen within 700 ms');
    const after = await home.byName('web');
    expect(after.map((w) => w.pid)).toEqual(before.map((w) => w.pid));
    expect(after.every((w) => w.status === 'online')).toBe(true);
    expect((await get(port)).status).toBe(200);
    const { readFile } = await import('node:fs/promises');
    expect(await readFile(before[0]!.errLog!, 'utf8')).toContain('did not listen within 700 ms');
  });

  it('fails when a replacement crashes on start, leaving the old workers and the other instances alone', async () => {
    home = new TestHome();
    const port = await freePort();
    const before = await startWeb(port);
    const reloaded = await home.run(['reload', 'web', '--update-env'], { env: { PORT: String(port), MODE: 'crash' } });
    expect(reloaded.code).toBe(1);
    expect(reloaded.stderr).toMatch(/replacement exited \(code 1\) before it was ready/);
    expect(reloaded.stderr).toContain('2 worker(s) of web were not reloaded');
    expect((await home.byName('web')).map((w) => w.pid)).toEqual(before.map((w) => w.pid));
    expect((await get(port)).status).toBe(200);
  });

  it('waits for process.send("ready") with --wait-ready', async () => {
    home = new TestHome();
    const port = await freePort();
    const before = await startWeb(port, ['--wait-ready'], { MODE: 'ready' });
    const reloaded = await home.ok(['reload', 'web']);
    const times = [...reloaded.stderr.matchAll(/ready in (\d+) ms/g)].map((m) => Number(m[1]));
    expect(times).toHaveLength(2);
    // The fixture sends 'ready' 200 ms after it listens: readiness must not be the listen event.
    for (const ms of times) expect(ms).toBeGreaterThanOrEqual(200);
    expect((await home.byName('web')).map((w) => w.pid)).not.toEqual(before.map((w) => w.pid));
  });

  it('reloads all apps, and restarts fork apps with a notice', async () => {
    home = new TestHome();
    const port = await freePort();
    const web = await startWeb(port);
    await home.ok(['start', 'idle.js', '--name', 'worker']);
    const [fork] = await home.byName('worker');
    const result = await home.ok(['reload', 'all']);
    expect(result.stderr).toContain('worker (id 2) runs in fork mode: restarted');
    const [forkAfter] = await home.byName('worker');
    expect(forkAfter!.pid).not.toBe(fork!.pid);
    const webAfter = await home.byName('web');
    for (let i = 0; i < 2; i += 1) expect(webAfter[i]!.pid).not.toBe(web[i]!.pid);
  });

  it('refuses a second reload of an app while one runs, and lets the first finish', async () => {
    home = new TestHome();
    const port = await freePort();
    const before = await startWeb(port, ['--wait-ready', '--listen-timeout', '10000'], { MODE: 'ready', READY_DELAY: '1500' });
    const first = home.run(['reload', 'web']);
    // The first reload is under way once its replacement worker exists (a third reloadable.js;
    // the CLI processes of the home do not count).
    await waitFor('the replacement worker to exist', () => workersOfHome().length === 3);
    const second = await home.run(['reload', 'web']);
    expect(second.code).toBe(1);
    expect(second.stderr).toContain('cannot reload web: a reload of it is already under way');
    expect((await first).code).toBe(0);
    const after = await home.byName('web');
    for (let i = 0; i < 2; i += 1) expect(after[i]!.pid).not.toBe(before[i]!.pid);
  });

  it('fails on an unknown app and changes nothing', async () => {
    home = new TestHome();
    const port = await freePort();
    const before = await startWeb(port);
    const result = await home.run(['reload', 'nope']);
    expect(result.code).toBe(1);
    expect(result.stderr).toContain("no app or id matches 'nope'");
    expect((await home.byName('web')).map((w) => w.pid)).toEqual(before.map((w) => w.pid));
  });
});
