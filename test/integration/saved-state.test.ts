import { readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { isAlive } from '../helpers/procs.js';
import { FIXTURES, TestHome } from '../helpers/tsm.js';
import { waitFor } from '../helpers/wait.js';

let home: TestHome;
afterEach(async () => {
  await home.cleanup();
});

/** Files of the home set aside from `name` (apps.json, dump.json). */
function setAside(name: string): string[] {
  return readdirSync(home.home)
    .filter((file) => file.startsWith(`${name}.corrupt-`))
    .map((file) => join(home.home, file));
}

function daemonLog(): string {
  return readFileSync(home.paths.daemonLog, 'utf8');
}

/** A crash: the daemon dies without a word, leaving apps.json with cleanShutdown false. */
async function crashDaemon(): Promise<void> {
  const pid = await home.daemonPid();
  process.kill(pid, 'SIGKILL');
  await waitFor('the killed daemon to be gone', () => !isAlive(pid));
}

/** A saved app in the shape tsm writes, for files a test builds by hand. */
function savedApp(name: string, ids: number[], spec: Record<string, unknown> = {}): Record<string, unknown> {
  return {
    spec: { name, script: join(FIXTURES, 'idle.js'), cwd: FIXTURES, instances: ids.length, execMode: 'fork', ...spec },
    ids,
    desired: 'running',
    pids: [],
  };
}

describe('a saved file that cannot be used is set aside, never overwritten', () => {
  it('moves a corrupt apps.json aside with its bytes, logs why, and the daemon starts', async () => {
    home = new TestHome();
    const garbage = '{"version": 2, "cleanShutdown": false, "apps": [{"spec": \u0000\u0001 not json';
    writeFileSync(home.paths.appsFile, garbage);
    await home.ok(['ping']);

    const [aside, ...more] = setAside('apps.json');
    expect(more).toEqual([]);
    expect(readFileSync(aside!, 'utf8')).toBe(garbage);
    expect(daemonLog()).toContain(`${home.paths.appsFile} could not be used as a saved app list: it is not valid JSON`);
    expect(daemonLog()).toContain(`it was moved to ${aside}, so nothing overwrites it.`);
    expect(await home.list()).toEqual([]);
    // The daemon writes its own list in the place of the old one, and that one reads back.
    await home.ok(['start', 'idle.js', '--name', 'web']);
    const written = JSON.parse(readFileSync(home.paths.appsFile, 'utf8')) as { version: number; apps: unknown[] };
    expect(written.version).toBe(2);
    expect(written.apps).toHaveLength(1);
  });

  it('resurrect of a truncated dump.json fails naming where it went, and changes nothing else', async () => {
    home = new TestHome();
    await home.ok(['start', 'idle.js', '--name', 'web', '-i', '2']);
    await home.ok(['save']);
    const whole = readFileSync(home.paths.dumpFile, 'utf8');
    const truncated = whole.slice(0, Math.floor(whole.length / 2));
    writeFileSync(home.paths.dumpFile, truncated);
    await home.ok(['delete', 'web']);
    await home.ok(['start', 'idle.js', '--name', 'other']);
    const before = await home.list();
    const appsBefore = readFileSync(home.paths.appsFile, 'utf8');

    const result = await home.run(['resurrect']);
    const [aside, ...more] = setAside('dump.json');
    expect(more).toEqual([]);
    expect(result.code).toBe(1);
    expect(result.stderr).toContain(`${home.paths.dumpFile} could not be used as a saved app list: it is not valid JSON`);
    expect(result.stderr).toContain(`it was moved to ${aside}`);
    expect(readFileSync(aside!, 'utf8')).toBe(truncated);
    const brief = (list: typeof before): unknown[] => list.map((p) => [p.id, p.name, p.status, p.pid, p.restarts]);
    expect(brief(await home.list())).toEqual(brief(before));
    expect(readFileSync(home.paths.appsFile, 'utf8')).toBe(appsBefore);

    // Now there is no dump: resurrect says so, as for a home that never saved.
    const again = await home.run(['resurrect']);
    expect(again.code).toBe(1);
    expect(again.stderr).toContain("Run 'tsm save' while your apps run");
  });
});

describe('after a crash, the valid apps of a saved list come back', () => {
  it('restores the valid app of an apps.json that also holds an invalid one, named in daemon.log', async () => {
    home = new TestHome();
    await home.ok(['start', 'idle.js', '--name', 'good']);
    const [good] = await home.list();
    await crashDaemon();
    // The list as the dead daemon left it, with one more app that no start request could make.
    const saved = JSON.parse(readFileSync(home.paths.appsFile, 'utf8')) as { cleanShutdown: boolean; apps: unknown[] };
    expect(saved.cleanShutdown).toBe(false);
    saved.apps.push(savedApp('bad', [7], { killSignal: 'SIGNOPE' }));
    const text = JSON.stringify(saved);
    writeFileSync(home.paths.appsFile, text);

    await home.ok(['ping']); // a command that launches a daemon: the new one restores the list
    const restored = await home.list();
    expect(restored.map((p) => [p.id, p.name, p.status])).toEqual([[good!.id, 'good', 'online']]);
    expect(restored[0]!.pid).not.toBe(good!.pid);
    expect(daemonLog()).toContain(`In ${home.paths.appsFile}, app "bad" (id 7) was left out: --kill-signal SIGNOPE: not a signal name`);
    const [copy] = setAside('apps.json');
    expect(daemonLog()).toContain(`The file as it was is kept as ${copy}.`);
    expect(readFileSync(copy!, 'utf8')).toBe(text);
  });

  it('restores an app saved by an older tsm (version 1, fields missing) instead of crashing', async () => {
    home = new TestHome();
    const old = savedApp('legacy', [3]);
    delete old['pids'];
    // Version 1 files predate waitReady, listenTimeout and log rotation.
    writeFileSync(home.paths.appsFile, JSON.stringify({ version: 1, cleanShutdown: false, apps: [old] }));

    await home.ok(['ping']);
    const restored = await home.list();
    expect(restored.map((p) => [p.id, p.name, p.status])).toEqual([[3, 'legacy', 'online']]);
    expect(restored[0]!.spec.waitReady).toBe(false);
    expect(restored[0]!.spec.logs.rotation.maxSize).toBe(10 * 1024 * 1024);
    expect(setAside('apps.json')).toEqual([]);
    // Its next save is version 2.
    await waitFor('apps.json to be rewritten as version 2', () => JSON.parse(readFileSync(home.paths.appsFile, 'utf8')).version === 2);
  });

  it('keeps a process stopped by id stopped, after a crash and through save and resurrect', async () => {
    home = new TestHome();
    await home.ok(['start', 'idle.js', '--name', 'web', '-i', '3']);
    const ids = (await home.byName('web')).map((p) => p.id);
    await home.ok(['stop', String(ids[1])]);
    const statuses = async (): Promise<string[]> => (await home.byName('web')).map((p) => p.status);
    expect(await statuses()).toEqual(['online', 'stopped', 'online']);
    await home.ok(['save']);

    await crashDaemon();
    await home.ok(['ping']);
    await waitFor('the restore to finish', async () => (await statuses()).filter((s) => s === 'online').length === 2);
    expect(await statuses()).toEqual(['online', 'stopped', 'online']);

    await home.ok(['delete', 'web']);
    await home.ok(['resurrect']);
    expect((await home.byName('web')).map((p) => [p.id, p.status])).toEqual([
      [ids[0], 'online'],
      [ids[1], 'stopped'],
      [ids[2], 'online'],
    ]);
  });
});
