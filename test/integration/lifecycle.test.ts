import { afterEach, describe, expect, it } from 'vitest';
import { freePort, get } from '../helpers/net.js';
import { isAlive } from '../helpers/procs.js';
import { TestHome } from '../helpers/tsm.js';
import { waitFor } from '../helpers/wait.js';

let home: TestHome;
afterEach(async () => {
  await home.cleanup();
});

describe('lifecycle', () => {
  it('runs a fork app through start, list, show, restart, stop, start, delete', async () => {
    home = new TestHome();
    const port = await freePort();
    const started = await home.ok(['start', 'http-server.js', '--name', 'api'], { env: { PORT: String(port) } });
    expect(started.stderr).toContain('started api (id 0)');
    expect(started.stdout).toMatch(/api.*fork.*online/);

    const [first] = await home.byName('api');
    expect(first).toMatchObject({ id: 0, status: 'online', restarts: 0 });
    expect(first!.spec.execMode).toBe('fork');
    const answer = await waitFor('the app to answer', () => get(port).catch(() => null));
    expect(JSON.parse(answer.body).pid).toBe(first!.pid);

    const shown = await home.ok(['show', 'api']);
    expect(shown.stdout).toContain('http-server.js');
    expect(shown.stdout).toContain(`${first!.pid}`);

    await home.ok(['restart', 'api']);
    const [restarted] = await home.byName('api');
    expect(restarted!.pid).not.toBe(first!.pid);
    expect(restarted!.restarts).toBe(1);
    expect(isAlive(first!.pid!)).toBe(false);

    await home.ok(['stop', '0']);
    const [stopped] = await home.byName('api');
    expect(stopped).toMatchObject({ status: 'stopped', pid: null });
    expect(isAlive(restarted!.pid!)).toBe(false);

    await home.ok(['start', 'api']);
    const [again] = await home.byName('api');
    expect(again!.status).toBe('online');
    await waitFor('the app to answer again', () => get(port).catch(() => null));

    const deleted = await home.ok(['delete', 'api']);
    expect(deleted.stderr).toContain('deleted api');
    expect(await home.list()).toEqual([]);
    expect(isAlive(again!.pid!)).toBe(false);
  });

  it('runs a cluster app whose workers share one port and answer in turn', async () => {
    home = new TestHome();
    const port = await freePort();
    await home.ok(['start', 'http-server.js', '-i', '2', '--name', 'web'], { env: { PORT: String(port) } });
    const workers = await home.byName('web');
    expect(workers.map((w) => [w.instance, w.spec.execMode, w.status])).toEqual([
      [0, 'cluster', 'online'],
      [1, 'cluster', 'online'],
    ]);
    const seen = new Set<number>();
    await waitFor('both workers to answer', async () => {
      seen.add(JSON.parse((await get(port)).body).pid);
      return seen.size === 2;
    });
    expect([...seen].sort()).toEqual(workers.map((w) => w.pid).sort());
    const instances = new Set<string>();
    for (let i = 0; i < 6; i += 1) instances.add(JSON.parse((await get(port)).body).instance);
    expect([...instances].sort()).toEqual(['0', '1']);

    await home.ok(['stop', 'web']);
    for (const worker of workers) expect(isAlive(worker.pid!)).toBe(false);
  });

  it('runs ES modules in cluster and fork mode', async () => {
    home = new TestHome();
    const [clusterPort, forkPort] = [await freePort(), await freePort()];
    await home.ok(['start', 'esm-server.mjs', '-i', '2', '--name', 'esm-cluster'], { env: { PORT: String(clusterPort) } });
    await home.ok(['start', 'esm-server.mjs', '--name', 'esm-fork'], { env: { PORT: String(forkPort) } });
    for (const port of [clusterPort, forkPort]) {
      const answer = await waitFor('the ESM app to answer', () => get(port).catch(() => null));
      expect(JSON.parse(answer.body).esm).toBe(true);
    }
  });

  it('list, jlist and kill with no daemon start none and create no home', async () => {
    home = new TestHome();
    const fresh = `${home.home}/never-made`;
    for (const args of [['list'], ['jlist'], ['kill']]) {
      const result = await home.run(args, { env: { TSM_HOME: fresh } });
      expect(result.code).toBe(0);
    }
    const { existsSync } = await import('node:fs');
    expect(existsSync(fresh)).toBe(false);
  });

  it('treats all as matching nothing, without error, when no app runs', async () => {
    home = new TestHome();
    await home.ok(['ping']);
    for (const command of ['stop', 'restart', 'delete']) {
      const result = await home.ok([command, 'all']);
      expect(result.stderr).toContain(`nothing to ${command}: no app matched`);
    }
  });

  it('kill stops every app and the daemon, leaving no process', async () => {
    home = new TestHome();
    await home.ok(['start', 'idle.js', '-i', '2', '--name', 'a']);
    await home.ok(['start', 'idle.js', '--name', 'b']);
    const pids = [await home.daemonPid(), ...(await home.list()).map((p) => p.pid!)];
    const killed = await home.ok(['kill']);
    expect(killed.stderr).toContain('stopped 3 process(es) and the daemon');
    for (const pid of pids) expect(isAlive(pid)).toBe(false);
  });
});
