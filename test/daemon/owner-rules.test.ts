import { afterEach, describe, expect, it } from 'vitest';
import { handlers } from '../../src/daemon/handlers/index.js';
import { fakeDaemon, type FakeDaemon } from '../helpers/fake-daemon.js';
import { waitFor } from '../helpers/wait.js';

/**
 * The ordering rules of one app's owner, through the real handlers, supervisor and registry,
 * with processes that exist only in memory: each overlap of core/overlap.ts that users meet.
 */
let d: FakeDaemon;
afterEach(() => d.dispose());

async function startApp(input: Parameters<FakeDaemon['spec']>[0] = {}) {
  const spec = d.spec(input);
  return handlers.start(d.state, { kind: 'script', input: { ...spec, logs: { out: 'NULL', err: 'NULL' } }, force: false }, d.ctx);
}

const statuses = () => d.state.registry.all().map((entry) => entry.status);

describe('one owner per app', () => {
  it('a stop during a slow restart wins: the app ends stopped and nothing is spawned after it', async () => {
    d = fakeDaemon();
    await startApp();
    d.behaviour.stopDelayMs = 100;
    const restart = expect(handlers.restart(d.state, { targets: ['web'] }, d.ctx)).rejects.toMatchObject({ code: 'E_CANCELLED' });
    const stop = handlers.stop(d.state, { targets: ['web'] }, d.ctx);
    await restart;
    await stop;
    expect(statuses()).toEqual(['stopped']);
    expect(d.alive()).toEqual([]);
    expect(d.spawned).toHaveLength(1);
  });

  it('a delete during a slow restart leaves no process and no entry', async () => {
    d = fakeDaemon();
    await startApp({ instances: 2, execMode: 'cluster' });
    d.behaviour.stopDelayMs = 100;
    const restart = expect(handlers.restart(d.state, { targets: ['web'] }, d.ctx)).rejects.toMatchObject({ code: 'E_CANCELLED' });
    const removed = await handlers.delete(d.state, { targets: ['web'] }, d.ctx);
    await restart;
    expect(removed.changed.map((p) => p.id)).toEqual([0, 1]);
    expect(d.state.registry.all()).toEqual([]);
    expect(d.alive()).toEqual([]);
  });

  it('two overlapping start -f of one name end with one app and one process', async () => {
    d = fakeDaemon();
    const input = { ...d.spec(), logs: { out: 'NULL', err: 'NULL' } };
    const [a, b] = await Promise.all([
      handlers.start(d.state, { kind: 'script', input, force: true }, d.ctx),
      handlers.start(d.state, { kind: 'script', input, force: true }, d.ctx),
    ]);
    expect(a.changed.map((p) => p.id)).toEqual([0]);
    expect(b.changed.map((p) => p.id)).toEqual([0]);
    expect(d.state.registry.all()).toHaveLength(1);
    expect(d.alive()).toHaveLength(1);
    expect(d.state.registry.all()[0]!.proc).toBe(d.alive()[0]);
  });

  it('two overlapping starts without -f: the second is refused, the first app runs once', async () => {
    d = fakeDaemon();
    const results = await Promise.allSettled([startApp(), startApp()]);
    expect(results.map((r) => r.status).sort()).toEqual(['fulfilled', 'rejected']);
    expect(results.find((r) => r.status === 'rejected')).toMatchObject({ reason: { code: 'E_ALREADY_RUNNING' } });
    expect(d.alive()).toHaveLength(1);
  });

  it('a second restart while one runs is refused and changes nothing', async () => {
    d = fakeDaemon();
    await startApp();
    d.behaviour.stopDelayMs = 50;
    const first = handlers.restart(d.state, { targets: ['web'] }, d.ctx);
    await expect(handlers.restart(d.state, { targets: ['web'] }, d.ctx)).rejects.toMatchObject({ code: 'E_BUSY' });
    await first;
    expect(d.spawned).toHaveLength(2);
    expect(statuses()).toEqual(['online']);
  });

  it('tsm start <name> during a stop waits for it and leaves the app running', async () => {
    d = fakeDaemon();
    await startApp();
    d.behaviour.stopDelayMs = 50;
    const stop = handlers.stop(d.state, { targets: ['web'] }, d.ctx);
    const start = handlers.start(d.state, { kind: 'targets', targets: ['web'] }, d.ctx);
    await stop;
    await start;
    expect(statuses()).toEqual(['online']);
    expect(d.alive()).toHaveLength(1);
  });

  it('tsm start <name> during a delete fails with E_NOT_FOUND instead of reporting success', async () => {
    d = fakeDaemon();
    await startApp();
    d.behaviour.stopDelayMs = 50;
    const removal = handlers.delete(d.state, { targets: ['web'] }, d.ctx);
    const start = expect(handlers.start(d.state, { kind: 'targets', targets: ['web'] }, d.ctx)).rejects.toMatchObject({ code: 'E_NOT_FOUND' });
    await removal;
    await start;
    expect(d.alive()).toEqual([]);
  });

  it('a crash restart due after a stop does nothing', async () => {
    d = fakeDaemon();
    await startApp({ restartDelay: 30 });
    d.alive()[0]!.crash();
    expect(statuses()).toEqual(['waiting-restart']);
    await handlers.stop(d.state, { targets: ['web'] }, d.ctx);
    // The pending restart is gone with the stop, not left to fire (and find nothing) later.
    expect(d.state.registry.all()[0]!.restartTimer).toBeNull();
    expect(d.spawned).toHaveLength(1);
    expect(statuses()).toEqual(['stopped']);
  });

  it('a crash restart goes through the owner and brings the process back', async () => {
    d = fakeDaemon();
    await startApp({ restartDelay: 10 });
    d.alive()[0]!.crash();
    await waitFor('the restart', () => d.alive().length === 1 && statuses()[0] === 'online');
    expect(d.state.registry.all()[0]!.restarts).toBe(1);
  });

  it('a stop during a reload cancels it: the replacement is ended and the app ends stopped', async () => {
    d = fakeDaemon();
    await startApp({ instances: 2, execMode: 'cluster', listenTimeout: 2000 });
    d.behaviour.listenAfterMs = null; // replacements never become ready
    const reload = expect(handlers.reload(d.state, { targets: ['web'] }, d.ctx)).rejects.toMatchObject({ code: 'E_CANCELLED' });
    await waitFor('the replacement', () => d.spawned.length === 3);
    await handlers.stop(d.state, { targets: ['web'] }, d.ctx);
    await reload;
    expect(d.alive()).toEqual([]);
    expect(statuses()).toEqual(['stopped', 'stopped']);
  });

  it('once the daemon shuts down nothing is spawned: not a new app, not a crash restart', async () => {
    d = fakeDaemon();
    await startApp({ restartDelay: 20 });
    d.alive()[0]!.crash();
    await d.state.stopAllForShutdown();
    await expect(startApp({ name: 'api' })).rejects.toMatchObject({ code: 'E_BUSY' });
    expect(d.state.registry.all()[0]!.restartTimer).toBeNull();
    // A revive that arrives anyway (its timer fired just before) is refused and spawns nothing.
    await d.state.supervisor.revive(d.state.registry.all()[0]!);
    expect(d.spawned).toHaveLength(1);
    expect(d.alive()).toEqual([]);
    expect(d.state.registry.all().map((e) => e.desired)).toEqual(['running']);
  });

  it('a stop during the start of a new app stops what was started', async () => {
    d = fakeDaemon();
    const start = startApp({ instances: 3, execMode: 'cluster' });
    const stop = (async () => {
      await waitFor('the app to be registered', () => d.state.registry.all().length === 3);
      return handlers.stop(d.state, { targets: ['web'] }, d.ctx);
    })();
    await Promise.allSettled([start]);
    await stop;
    expect(d.alive()).toEqual([]);
    expect(statuses()).toEqual(['stopped', 'stopped', 'stopped']);
  });
});
