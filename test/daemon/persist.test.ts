import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { buildAppSpec, type AppSpec } from '../../src/core/app-spec.js';
import { TsmError } from '../../src/core/errors.js';
import { SAVED_STATE_LIMITS, type SavedState } from '../../src/core/saved-state.js';
import { AppStore } from '../../src/daemon/persist.js';
import { groupApps } from '../../src/daemon/persist/group-apps.js';
import type { ProcEntry } from '../../src/daemon/registry.js';

const cleanups: Array<() => void> = [];
afterEach(() => {
  for (const cleanup of cleanups.splice(0).reverse()) cleanup();
});

function tempDir(): string {
  const dir = mkdtempSync(join(tmpdir(), 'persist-'));
  cleanups.push(() => rmSync(dir, { recursive: true, force: true }));
  return dir;
}

function spec(name: string, extra: Record<string, unknown> = {}): AppSpec {
  return buildAppSpec({ script: '/srv/app/server.js', cwd: '/srv/app', name, ...extra }, 4);
}

/** The fields of a registry entry the store reads; the rest do not matter to it. */
function entry(id: number, appSpec: AppSpec, instance = 0, more: { desired?: 'running' | 'stopped'; pid?: number } = {}): ProcEntry {
  const proc = more.pid === undefined ? null : { pid: more.pid };
  return { id, spec: appSpec, instance, desired: more.desired ?? 'running', proc } as unknown as ProcEntry;
}

function fixedClock(iso: string): () => Date {
  return () => new Date(iso);
}

function saveError(error: unknown): TsmError {
  expect(error).toBeInstanceOf(TsmError);
  expect((error as TsmError).code).toBe('E_SAVE');
  return error as TsmError;
}

async function rejection(promise: Promise<unknown>): Promise<unknown> {
  try {
    await promise;
  } catch (error) {
    return error;
  }
  throw new Error('expected a rejection');
}

describe('groupApps: one app saved as one app', () => {
  it('groups by name, not by spec object, with the lowest instance spec and ids in instance order', () => {
    // After a `reload --update-env` that reached worker 1 only, the two workers hold two specs.
    const old = spec('web', { instances: 2, env: { V: '1' } });
    const updated = { ...old, env: { V: '2' } };
    const apps = groupApps([entry(5, updated, 1, { pid: 501 }), entry(3, spec('job'), 0, { desired: 'stopped' }), entry(4, old, 0, { pid: 400 })]);
    expect(apps).toEqual([
      { spec: spec('job'), ids: [3], desired: 'stopped', pids: [] },
      { spec: old, ids: [4, 5], desired: 'running', pids: [400, 501] },
    ]);
    expect(apps[1]!.spec).toBe(old);
  });

  it('saves an id once even when an entry is passed twice', () => {
    const web = spec('web');
    expect(groupApps([entry(0, web), entry(0, web)])).toEqual([{ spec: web, ids: [0], desired: 'running', pids: [] }]);
  });

  it('saves an app as running if any of its processes should run', () => {
    const web = spec('web', { instances: 2 });
    const apps = groupApps([entry(0, web, 0, { desired: 'stopped' }), entry(1, web, 1)]);
    expect(apps[0]!.desired).toBe('running');
  });

  it('after save and load, a split cluster app is one app with its two workers', async () => {
    const store = new AppStore(join(tempDir(), 'apps.json'));
    const old = spec('web', { instances: 2, execMode: 'cluster' });
    await store.save([entry(0, old, 0), entry(1, { ...old, env: { V: '2' } }, 1)], false);
    const { state } = await store.load();
    expect(state?.apps.map((a) => [a.spec.name, a.ids, a.spec.instances])).toEqual([['web', [0, 1], 2]]);
  });
});

describe('AppStore.save: atomic, durable, in order', () => {
  it('writes version 2, readable by load, and leaves no temporary file', async () => {
    const dir = tempDir();
    const store = new AppStore(join(dir, 'apps.json'));
    const web = spec('web');
    await store.save([entry(0, web, 0, { pid: 1234 })], false);
    expect(readdirSync(dir)).toEqual(['apps.json']);
    expect(statSync(join(dir, 'apps.json')).mode & 0o777).toBe(0o600);
    const expected: SavedState = { version: 2, cleanShutdown: false, apps: [{ spec: web, ids: [0], desired: 'running', pids: [1234] }] };
    expect(JSON.parse(readFileSync(join(dir, 'apps.json'), 'utf8'))).toEqual(expected);
    expect(await store.load()).toEqual({ state: expected, problems: [], setAside: null });
  });

  it('lands saves made in quick succession in the order they were asked for', async () => {
    const dir = tempDir();
    const file = join(dir, 'apps.json');
    const store = new AppStore(file);
    const seen: number[] = [];
    const saves = Array.from({ length: 30 }, (_, n) =>
      store.save([entry(n, spec(`app${n}`))], false).then(() => {
        const state = JSON.parse(readFileSync(file, 'utf8')) as SavedState;
        seen.push(state.apps[0]!.ids[0]!);
      }),
    );
    await Promise.all(saves);
    // Each save, once resolved, finds its own list or a later one on disk: never an earlier one.
    seen.forEach((onDisk, n) => expect(onDisk).toBeGreaterThanOrEqual(n));
    expect(seen.at(-1)).toBe(29);
    expect(readdirSync(dir)).toEqual(['apps.json']);
  });

  it('names the file and the cause when the write fails, and goes on with the next save', async () => {
    const dir = tempDir();
    const file = join(dir, 'missing-dir', 'apps.json');
    const store = new AppStore(file);
    const error = saveError(await rejection(store.save([entry(0, spec('web'))], false)));
    expect(error.message).toBe(`could not write ${file}: no such file or directory (ENOENT); the previous apps.json is unchanged.`);
    mkdirSync(join(dir, 'missing-dir'));
    await store.save([entry(0, spec('web'))], false);
    expect(readdirSync(join(dir, 'missing-dir'))).toEqual(['apps.json']);
  });

  it('refuses to write a list larger than load would read back', async () => {
    const dir = tempDir();
    const store = new AppStore(join(dir, 'apps.json'));
    await store.save([entry(0, spec('web'))], false);
    const before = readFileSync(join(dir, 'apps.json'), 'utf8');
    // An app's env holds at most 512 KiB, so it takes many apps to pass the file's limit.
    const env = Object.fromEntries(Array.from({ length: 4 }, (_, i) => [`BIG${i}`, 'x'.repeat(120 * 1024)]));
    const apps = Math.ceil(SAVED_STATE_LIMITS.maxBytes / (4 * 120 * 1024)) + 1;
    const huge = Array.from({ length: apps }, (_, i) => entry(i, spec(`huge${i}`, { env })));
    const error = saveError(await rejection(store.save(huge, false)));
    expect(error.message).toMatch(/the app list is \d+ bytes, more than the 16777216 tsm reads back/);
    expect(readFileSync(join(dir, 'apps.json'), 'utf8')).toBe(before);
  });

  // A real full disk: a 64 KiB tmpfs. Mounting needs root (CAP_SYS_ADMIN); CI runs as root.
  const isRoot = process.getuid?.() === 0;
  it.skipIf(!isRoot)('keeps the previous file whole on a full disk (skipped unless root: mounting a tmpfs needs it)', async () => {
    const dir = tempDir();
    execFileSync('mount', ['-t', 'tmpfs', '-o', 'size=64k', 'tmpfs', dir]);
    cleanups.push(() => execFileSync('umount', [dir]));
    const file = join(dir, 'apps.json');
    const store = new AppStore(file);
    await store.save([entry(0, spec('web'))], false);
    const before = readFileSync(file);

    const big = spec('big', { env: { BIG1: 'x'.repeat(100 * 1024), BIG2: 'x'.repeat(100 * 1024) } }); // three times the disk
    const error = saveError(await rejection(store.save([entry(0, spec('web')), entry(1, big)], false)));
    expect(error.message).toBe(`could not write ${file}: no space left on device (ENOSPC); the previous apps.json is unchanged.`);
    expect(readFileSync(file)).toEqual(before);
    expect(readdirSync(dir)).toEqual(['apps.json']); // the temporary file is gone, its space free

    await store.save([entry(0, spec('web')), entry(1, spec('job'))], false);
    expect((await store.load()).state?.apps.map((a) => a.spec.name)).toEqual(['web', 'job']);
  });
});

describe('AppStore.load: nothing is lost, nothing is overwritten', () => {
  it('finds nothing, and says nothing, when there is no file', async () => {
    const dir = tempDir();
    expect(await new AppStore(join(dir, 'apps.json')).load()).toEqual({ state: null, problems: [], setAside: null });
    expect(readdirSync(dir)).toEqual([]);
  });

  it.each([
    ['truncated JSON', '{"version": 2, "cleanShutdown": false, "apps": [{"spec": {"na', /it is not valid JSON/],
    ['an empty file', '', /it is empty/],
    ['a version from a newer tsm', '{"version": 7, "cleanShutdown": false, "apps": []}', /format version 7, written by a newer tsm/],
  ])('moves aside %s, with its bytes, and says where in a sentence', async (_what, text, reason) => {
    const dir = tempDir();
    const file = join(dir, 'apps.json');
    writeFileSync(file, text);
    const result = await new AppStore(file, fixedClock('2024-05-01T10:20:30.123Z')).load();
    const aside = `${file}.corrupt-2024-05-01T10-20-30.123Z`;
    expect(result.state).toBeNull();
    expect(result.setAside).toBe(aside);
    expect(readFileSync(aside, 'utf8')).toBe(text);
    expect(readdirSync(dir)).toEqual(['apps.json.corrupt-2024-05-01T10-20-30.123Z']);
    expect(result.problems).toHaveLength(1);
    expect(result.problems[0]).toMatch(reason);
    expect(result.problems[0]).toContain(`${file} could not be used as a saved app list: `);
    expect(result.problems[0]).toContain(`None of its apps were loaded; it was moved to ${aside}, so nothing overwrites it.`);
  });

  it('never takes the name of a file set aside before', async () => {
    const dir = tempDir();
    const file = join(dir, 'apps.json');
    const store = new AppStore(file, fixedClock('2024-05-01T10:20:30.123Z'));
    for (const text of ['one', 'two', 'three']) {
      writeFileSync(file, text);
      await store.load();
    }
    const base = 'apps.json.corrupt-2024-05-01T10-20-30.123Z';
    expect(readdirSync(dir).sort()).toEqual([base, `${base}-2`, `${base}-3`]);
    expect(readFileSync(join(dir, `${base}-3`), 'utf8')).toBe('three');
  });

  it('moves aside a file over the size bound without reading it whole', async () => {
    const dir = tempDir();
    const file = join(dir, 'apps.json');
    writeFileSync(file, Buffer.alloc(SAVED_STATE_LIMITS.maxBytes + 10, 0x20));
    const result = await new AppStore(file).load();
    expect(result.state).toBeNull();
    expect(result.problems[0]).toMatch(/it is larger than the 16777216 bytes tsm reads/);
    expect(statSync(result.setAside!).size).toBe(SAVED_STATE_LIMITS.maxBytes + 10);
  });

  it('moves aside what cannot even be read, such as a directory under the name', async () => {
    const dir = tempDir();
    const file = join(dir, 'apps.json');
    mkdirSync(file);
    const result = await new AppStore(file).load();
    expect(result.state).toBeNull();
    expect(result.problems[0]).toMatch(/it could not be read \(EISDIR/);
    expect(statSync(result.setAside!).isDirectory()).toBe(true);
    expect(readdirSync(dir)).toEqual([expect.stringMatching(/^apps\.json\.corrupt-/)]);
  });

  it('keeps the valid apps of a partly invalid file, names the others, and keeps a copy as it was', async () => {
    const dir = tempDir();
    const file = join(dir, 'apps.json');
    const good = { spec: spec('web'), ids: [0], desired: 'running', pids: [] };
    const bad = { spec: { ...spec('bad'), script: 'relative.js' }, ids: [1], desired: 'running', pids: [] };
    const text = JSON.stringify({ version: 2, cleanShutdown: false, apps: [good, bad] });
    writeFileSync(file, text);
    const result = await new AppStore(file, fixedClock('2024-05-01T10:20:30.123Z')).load();
    const copy = `${file}.corrupt-2024-05-01T10-20-30.123Z`;
    expect(result.state?.apps.map((a) => a.spec.name)).toEqual(['web']);
    expect(result.problems).toEqual([
      `In ${file}, app "bad" (id 1) was left out: the script must be an absolute path, got "relative.js".`,
      `The file as it was is kept as ${copy}.`,
    ]);
    expect(result.setAside).toBe(copy);
    // Load does not rewrite: the file is as it was, and the copy holds the same bytes.
    expect(readFileSync(file, 'utf8')).toBe(text);
    expect(readFileSync(copy, 'utf8')).toBe(text);
  });

  it('does not write a valid file, whatever it holds', async () => {
    const dir = tempDir();
    const file = join(dir, 'apps.json');
    const text = JSON.stringify({ version: 1, cleanShutdown: false, apps: [{ spec: spec('web'), ids: [0], desired: 'running' }] });
    writeFileSync(file, text);
    const before = statSync(file);
    const result = await new AppStore(file).load();
    expect(result.state?.version).toBe(2);
    expect(result.problems).toEqual([]);
    expect(readdirSync(dir)).toEqual(['apps.json']);
    expect(readFileSync(file, 'utf8')).toBe(text);
    expect(statSync(file).mtimeMs).toBe(before.mtimeMs);
  });
});

describe('AppStore.hold: a restore that must not replace the list before it is complete', () => {
  it('writes nothing while held, then the last save asked for', async () => {
    const dir = tempDir();
    const file = join(dir, 'apps.json');
    const store = new AppStore(file);
    await store.save([entry(0, spec('a')), entry(1, spec('b'))], false);
    const before = readFileSync(file, 'utf8');

    const hold = store.hold();
    let landed = false;
    const first = store.save([entry(0, spec('a'))], false).then(() => (landed = true));
    const second = store.save([entry(0, spec('a')), entry(1, spec('b')), entry(2, spec('c'))], false);
    // Give a write every chance to happen: several turns of the I/O loop.
    for (let turn = 0; turn < 20; turn += 1) await new Promise((resolve) => setImmediate(resolve));
    expect(readFileSync(file, 'utf8')).toBe(before);
    expect(readdirSync(dir)).toEqual(['apps.json']);
    expect(landed).toBe(false);

    await hold.release();
    await Promise.all([first, second]);
    expect(landed).toBe(true);
    expect((await store.load()).state?.apps.map((a) => a.spec.name)).toEqual(['a', 'b', 'c']);
    await hold.release(); // a second release changes nothing
  });

  it('waits for every hold, and writes nothing on release when nothing was saved', async () => {
    const dir = tempDir();
    const file = join(dir, 'apps.json');
    const store = new AppStore(file);
    const outer = store.hold();
    const inner = store.hold();
    const saved = store.save([entry(0, spec('a'))], false);
    await inner.release();
    expect(readdirSync(dir)).toEqual([]);
    await outer.release();
    await saved;
    expect(readdirSync(dir)).toEqual(['apps.json']);

    const idle = store.hold();
    await idle.release();
    expect((await store.load()).state?.apps.map((a) => a.spec.name)).toEqual(['a']);
  });

  it('rejects the release, and the saves made meanwhile, when the deferred write fails', async () => {
    const dir = tempDir();
    const store = new AppStore(join(dir, 'gone', 'apps.json'));
    const hold = store.hold();
    const saved = store.save([entry(0, spec('a'))], false);
    saveError(await rejection(hold.release()));
    saveError(await rejection(saved));
  });
});
