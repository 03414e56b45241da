import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createServer } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { freePort, get } from '../helpers/net.js';
import { isAlive } from '../helpers/procs.js';
import { FIXTURES, TestHome } from '../helpers/tsm.js';
import { waitFor } from '../helpers/wait.js';

/** The commands PM2 users reach for: scale, sendSignal, reset, env, pid, startOrReload. */
let home: TestHome;
let dir: string | null = null;
afterEach(async () => {
  await home.cleanup();
  if (dir) rmSync(dir, { recursive: true, force: true });
  dir = null;
});

/** A free port whose next one is free too (increment_var counts PORT up by one). */
async function freePortPair(): Promise<number> {
  for (let tries = 0; tries < 20; tries += 1) {
    const port = await freePort();
    const nextFree = await new Promise<boolean>((resolve) => {
      const server = createServer();
      server.once('error', () => resolve(false));
      server.listen(port + 1, '127.0.0.1', () => server.close(() => resolve(true)));
    });
    if (nextFree) return port;
  }
  throw new Error('no two free ports in a row');
}

const outLog = (name: string, id?: number): string =>
  readFileSync(join(home.paths.logsDir, `${name}-out${id === undefined ? '' : `-${id}`}.log`), 'utf8');

describe('PM2 commands', () => {
  it('scale adds instances that serve the same port, and removes the highest ones gracefully', async () => {
    home = new TestHome();
    const port = await freePort();
    await home.ok(['start', 'http-server.js', '--name', 'web', '-i', '1'], { env: { PORT: String(port) } });
    const up = await home.ok(['scale', 'web', '+2']);
    expect(up.stderr).toContain('scaled web (ids 1, 2)');
    const three = await waitFor('three workers online', async () => {
      const list = await home.byName('web');
      return list.length === 3 && list.every((p) => p.status === 'online') ? list : null;
    });
    expect(three.map((p) => p.instance)).toEqual([0, 1, 2]);
    const seen = new Set<number>();
    await waitFor('answers from every worker', async () => {
      seen.add(JSON.parse((await get(port)).body).pid as number);
      return seen.size === 3;
    });
    await home.ok(['scale', 'web', '1']);
    const left = await home.byName('web');
    expect(left.map((p) => p.instance)).toEqual([0]);
    for (const p of three.slice(1)) expect(isAlive(p.pid!)).toBe(false);
    expect(left[0]!.spec.instances).toBe(1);

    for (const bad of [['web', '0'], ['web', '-5'], ['web', '100000'], ['web', 'lots'], ['nope', '2']]) {
      const result = await home.run(['scale', ...bad]);
      expect(result.code, bad.join(' ')).not.toBe(0);
      expect(result.stderr).toMatch(/scale|no app/);
    }
    expect((await home.byName('web')).map((p) => p.pid)).toEqual(left.map((p) => p.pid));
  });

  it('increment_var gives each instance its own port, instance_var its number', async () => {
    home = new TestHome();
    const port = await freePortPair();
    await home.ok(['start', 'http-server.js', '--name', 'api', '-i', '2', '--increment-var', 'PORT', '--instance-var', 'INSTANCE_ID'], {
      env: { PORT: String(port) },
    });
    const answers = await waitFor('both ports to answer', async () => {
      const [a, b] = await Promise.all([get(port).catch(() => null), get(port + 1).catch(() => null)]);
      return a && b ? [JSON.parse(a.body), JSON.parse(b.body)] : null;
    });
    const pids = (await home.byName('api')).map((p) => p.pid);
    expect(answers.map((a: { pid: number }) => a.pid).sort()).toEqual([...pids].sort());
    const env1 = (await home.ok(['env', '1'])).stdout;
    expect(env1).toContain(`PORT=${port + 1}\n`);
    expect(env1).toContain('INSTANCE_ID=1\n');
    expect(env1).not.toContain('NODE_APP_INSTANCE=');
  });

  it('sendSignal reaches the app; reset zeroes its counters; env and pid tell what the process got', async () => {
    home = new TestHome();
    await home.ok(['start', 'signal-report.js', '--name', 'sig'], { env: { MODE: 'first' } });
    await waitFor('the app to start', () => outLog('sig').includes('mode=first'));
    await home.ok(['sendSignal', 'SIGUSR2', 'sig']);
    await waitFor('the signal to arrive', () => outLog('sig').includes('got SIGUSR2'));
    const bad = await home.run(['sendSignal', 'SIGNOPE', 'sig']);
    expect(bad.code).toBe(2);
    expect(bad.stderr).toContain('not a signal name');

    await home.ok(['restart', 'sig']);
    expect((await home.byName('sig'))[0]!.restarts).toBe(1);
    await home.ok(['reset', 'sig']);
    expect((await home.byName('sig'))[0]!.restarts).toBe(0);

    const env = (await home.ok(['env', '0'])).stdout;
    expect(env).toContain('MODE=first\n');
    expect(env).toContain('pm_id=0\n');
    expect(env).toContain('name=sig\n');
    expect(env).toContain(`TSM_HOME=${home.home}\n`);
    const pid = (await home.ok(['pid', 'sig'])).stdout.trim();
    expect(Number(pid)).toBe((await home.byName('sig'))[0]!.pid);
    // The environment is in `show --json`, not in `list --json`.
    expect((await home.byName('sig'))[0]!.spec.env).toEqual({});
    const shown = JSON.parse((await home.ok(['show', 'sig', '--json'])).stdout) as Array<{ spec: { env: Record<string, string> } }>;
    expect(shown[0]!.spec.env['MODE']).toBe('first');
  });

  it('startOrReload reads the file again: a changed env reaches every worker by a reload, new apps start', async () => {
    home = new TestHome();
    dir = mkdtempSync(join(tmpdir(), 'eco-'));
    const port = await freePort();
    const webPort = await freePort();
    const file = join(dir, 'ecosystem.config.js');
    const write = (mode: string, extra = ''): void =>
      writeFileSync(
        file,
        `module.exports = { apps: [
          { name: 'web', script: ${JSON.stringify(join(FIXTURES, 'signal-report.js'))}, instances: 2, env: { MODE: '${mode}', PORT: '${webPort}' } },
          ${extra}
        ] };`,
      );
    write('one');
    await home.ok(['startOrReload', file]);
    await waitFor('both workers', () => outLog('web', 1).includes('mode=one'));
    const before = await home.byName('web');
    write('two', `{ name: 'api', script: ${JSON.stringify(join(FIXTURES, 'http-server.js'))}, env: { PORT: '${port}' } },`);
    const applied = await home.ok(['startOrReload', file]);
    expect(applied.stderr).toContain('reloaded web (ids 0, 1)');
    await waitFor('the new env in both workers', () => outLog('web', 0).includes('mode=two') && outLog('web', 1).includes('mode=two'));
    const after = await home.byName('web');
    expect(after.map((p) => p.id)).toEqual(before.map((p) => p.id));
    for (const p of before) expect(isAlive(p.pid!)).toBe(false);
    await waitFor('the new app to answer', () => get(port).catch(() => null));

    // `reload <file>` applies to apps that run and refuses, changing nothing, when one does not.
    writeFileSync(file, `module.exports = { apps: [{ name: 'ghost', script: ${JSON.stringify(join(FIXTURES, 'idle.js'))} }] };`);
    const refused = await home.run(['reload', file]);
    expect(refused.code).toBe(1);
    expect(refused.stderr).toContain('ghost is not running; nothing was reloaded');
    expect((await home.list()).map((p) => p.name).sort()).toEqual(['api', 'web', 'web']);
  });
});
