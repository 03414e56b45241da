import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { handlers } from '../../src/daemon/handlers/index.js';
import { MemoryLimits } from '../../src/daemon/triggers/memory-limit.js';
import { refreshApp } from '../../src/daemon/owner/operations.js';
import { fakeDaemon, type FakeDaemon } from '../helpers/fake-daemon.js';
import { waitFor } from '../helpers/wait.js';

/** What PM2 users set on an app, through the real handlers, with fake processes. */
let d: FakeDaemon;
afterEach(() => d.dispose());

function start(input: Parameters<FakeDaemon['spec']>[0] = {}) {
  const spec = d.spec(input);
  return handlers.start(d.state, { kind: 'script', input: { ...spec, logs: { out: 'NULL', err: 'NULL' } }, force: false }, d.ctx);
}

describe('app settings PM2 users rely on', () => {
  it('gives each instance its instance_var, increment_var counted up, pm_id, name and TSM_HOME', async () => {
    d = fakeDaemon();
    await start({ name: 'api', instances: 3, execMode: 'cluster', instanceVar: 'INSTANCE_ID', incrementVar: 'PORT', env: { PORT: '3000' } });
    const envs = d.spawned.map((proc) => proc.env);
    expect(envs.map((env) => [env['INSTANCE_ID'], env['PORT'], env['pm_id'], env['name']])).toEqual([
      ['0', '3000', '0', 'api'],
      ['1', '3001', '1', 'api'],
      ['2', '3002', '2', 'api'],
    ]);
    expect(envs[0]!['NODE_APP_INSTANCE']).toBeUndefined(); // renamed, as PM2 does
    expect(envs[0]!['TSM_HOME']).toBe(d.state.paths.home);
    const [first] = await handlers.env(d.state, { targets: ['1'] }, d.ctx);
    expect(first!.env).toEqual(envs[1]);
  });

  it('writes the pid file while the process runs, one per instance, and removes it after', async () => {
    d = fakeDaemon();
    const file = join(d.state.paths.home, 'api.pid');
    await start({ name: 'api', instances: 2, execMode: 'cluster', pidFile: file });
    const files = [join(d.state.paths.home, 'api-0.pid'), join(d.state.paths.home, 'api-1.pid')];
    const pidIn = (path: string): number => (existsSync(path) ? Number(readFileSync(path, 'utf8')) : 0);
    await waitFor('the pid files', () => files.every((path) => pidIn(path) > 0));
    expect(files.map(pidIn)).toEqual(d.spawned.map((proc) => proc.pid));
    await handlers.stop(d.state, { targets: ['api'] }, d.ctx);
    await waitFor('the pid files to go', () => files.every((path) => !existsSync(path)));
  });

  it('registers an app with autostart: false without starting it; tsm start <name> does', async () => {
    d = fakeDaemon();
    await start({ name: 'job', autostart: false });
    expect(d.spawned).toEqual([]);
    expect(d.state.registry.all().map((e) => [e.status, e.desired])).toEqual([['stopped', 'stopped']]);
    await handlers.start(d.state, { kind: 'targets', targets: ['job'] }, d.ctx);
    expect(d.alive()).toHaveLength(1);
  });

  it('takes a namespace as a target, like an app name', async () => {
    d = fakeDaemon();
    await start({ name: 'a', namespace: 'backend' });
    await start({ name: 'b', namespace: 'backend' });
    await start({ name: 'c' });
    const stopped = await handlers.stop(d.state, { targets: ['backend'] }, d.ctx);
    expect(stopped.changed.map((p) => p.name)).toEqual(['a', 'b']);
    expect(d.alive()).toHaveLength(1);
  });

  it('scales up, then down from the highest instance, and refuses a count of 0 or past the limit', async () => {
    d = fakeDaemon();
    await start({ name: 'web', instances: 2, execMode: 'cluster' });
    const up = await handlers.scale(d.state, { name: 'web', count: '+2' }, d.ctx);
    expect(up.changed.map((p) => [p.id, p.instance])).toEqual([
      [2, 2],
      [3, 3],
    ]);
    expect(d.alive()).toHaveLength(4);
    const down = await handlers.scale(d.state, { name: 'web', count: '1' }, d.ctx);
    expect(down.changed.map((p) => p.instance)).toEqual([1, 2, 3]);
    expect(d.state.registry.all().map((e) => [e.id, e.instance, e.spec.instances])).toEqual([[0, 0, 1]]);
    expect(d.alive()).toHaveLength(1);
    await expect(handlers.scale(d.state, { name: 'web', count: '-1' }, d.ctx)).rejects.toMatchObject({ code: 'E_USAGE' });
    await expect(handlers.scale(d.state, { name: 'web', count: '5000' }, d.ctx)).rejects.toMatchObject({ code: 'E_USAGE' });
    await expect(handlers.scale(d.state, { name: 'web', count: 'many' }, d.ctx)).rejects.toMatchObject({ code: 'E_USAGE' });
    await expect(handlers.scale(d.state, { name: 'nope', count: '2' }, d.ctx)).rejects.toMatchObject({ code: 'E_NOT_FOUND' });
    expect(d.alive()).toHaveLength(1);
  });

  it('resets restart counters, and sends a signal to running processes only', async () => {
    d = fakeDaemon();
    await start({ name: 'web' });
    await handlers.restart(d.state, { targets: ['web'] }, d.ctx);
    expect(d.state.registry.all()[0]!.restarts).toBe(1);
    await handlers.reset(d.state, { targets: ['web'] }, d.ctx);
    expect(d.state.registry.all()[0]!.restarts).toBe(0);
    await expect(handlers.signal(d.state, { signal: 'NOPE', targets: ['web'] }, d.ctx)).rejects.toMatchObject({ code: 'E_USAGE' });
    await handlers.signal(d.state, { signal: 'usr2', targets: ['web'] }, d.ctx);
    await handlers.stop(d.state, { targets: ['web'] }, d.ctx);
    await expect(handlers.signal(d.state, { signal: 'SIGUSR2', targets: ['web'] }, d.ctx)).rejects.toMatchObject({ code: 'E_NOT_FOUND' });
  });

  it('restarts a fork process over its memory limit once, and records why', async () => {
    d = fakeDaemon();
    await start({ name: 'leaky', maxMemoryRestart: 100 * 1024 * 1024 });
    const limits = new MemoryLimits(d.state.registry, (name, cause, ids) => refreshApp(d.state, name, cause, ids));
    const [entry] = d.state.registry.all();
    entry!.sample = { cpu: 0, memory: 150 * 1024 * 1024 };
    limits.check();
    limits.check(); // the next sample, before the restart is done: not asked twice
    await waitFor('the restart', () => d.spawned.length === 2 && entry!.status === 'online');
    expect(d.spawned).toHaveLength(2);
    expect(entry!.restartCause?.cause).toBe('memory limit: 150.0 MB over 100.0 MB');
  });

  it('reloads only the cluster worker over its limit, without touching the others', async () => {
    d = fakeDaemon();
    await start({ name: 'web', instances: 2, execMode: 'cluster', maxMemoryRestart: 1000 });
    const limits = new MemoryLimits(d.state.registry, (name, cause, ids) => refreshApp(d.state, name, cause, ids));
    const [first, second] = d.state.registry.all();
    const before = [first!.proc, second!.proc];
    second!.sample = { cpu: 0, memory: 2000 };
    limits.check();
    await waitFor('the replacement, and the old worker retired', () => second!.proc !== before[1] && before[1]!.hasExited);
    expect(second!.status).toBe('online');
    expect(first!.proc).toBe(before[0]);
    expect(second!.restartCause?.cause).toMatch(/^memory limit/);
  });
});
