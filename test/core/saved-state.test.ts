import { describe, expect, it } from 'vitest';
import { buildAppSpec, type AppSpec } from '../../src/core/app-spec.js';
import { TsmError } from '../../src/core/errors.js';
import {
  checkSavedState,
  parseSavedState,
  SAVED_STATE_LIMITS,
  savedDesired,
  serializeSavedState,
  type ParsedSavedState,
  type SavedApp,
  type SavedState,
} from '../../src/core/saved-state.js';
import { checkSavedSpec } from '../../src/core/saved-spec.js';

/** A spec as the daemon builds it from a request: the shape a saved file holds. */
function spec(name: string, extra: Record<string, unknown> = {}): AppSpec {
  return buildAppSpec({ script: '/srv/app/server.js', cwd: '/srv/app', name, ...extra }, 4);
}

/** A saved app as JSON would give it back: a plain object, free to be broken by a test. */
function app(name: string, ids: number[], extra: Record<string, unknown> = {}): Record<string, unknown> {
  return { spec: JSON.parse(JSON.stringify(spec(name, { instances: ids.length }))), ids, desired: 'running', pids: [], ...extra };
}

function file(apps: unknown[], extra: Record<string, unknown> = {}): Record<string, unknown> {
  return { version: 2, cleanShutdown: false, apps, ...extra };
}

function used(result: ParsedSavedState): { state: SavedState; dropped: string[] } {
  if (!result.ok) throw new Error(`expected a usable file, got: ${result.reason}`);
  return result;
}

function refused(result: ParsedSavedState): string {
  if (result.ok) throw new Error('expected the file to be refused');
  return result.reason;
}

function specError(value: unknown): TsmError {
  try {
    checkSavedSpec(value);
  } catch (error) {
    expect(error).toBeInstanceOf(TsmError);
    expect((error as TsmError).code).toBe('E_SAVED_INVALID');
    return error as TsmError;
  }
  throw new Error('expected checkSavedSpec to throw');
}

describe('checkSavedSpec', () => {
  it('gives back a spec built from a request unchanged, every field set away from its default', () => {
    const full = spec('api', {
      args: ['--port', '3000'],
      interpreter: 'node',
      nodeArgs: ['--max-old-space-size=512'],
      env: { PORT: '3000' },
      instances: 3,
      execMode: 'cluster',
      autorestart: false,
      maxRestarts: 3,
      minUptime: 200,
      restartDelay: 100,
      expBackoffRestartDelay: 50,
      stopExitCodes: [0, 3],
      killSignal: 'SIGTERM',
      killTimeout: 100,
      shutdownWithMessage: true,
      listenTimeout: 800,
      waitReady: true,
      logs: {
        out: '/var/log/api.out',
        err: 'NULL',
        combined: '/var/log/api.log',
        merge: true,
        dateFormat: 'HH:mm',
        type: 'json',
        maxSize: 1024,
        retain: 2,
        compress: true,
        interval: '1d',
      },
    });
    expect(full.logs.err).toBeNull();
    expect(checkSavedSpec(JSON.parse(JSON.stringify(full)))).toEqual(full);
    const plain = spec('web');
    expect(checkSavedSpec(JSON.parse(JSON.stringify(plain)))).toEqual(plain);
  });

  it('fills what an older file lacks with the default a request gets', () => {
    const old = JSON.parse(JSON.stringify(spec('web'))) as Record<string, unknown>;
    delete old['waitReady'];
    delete old['listenTimeout'];
    (old['logs'] as Record<string, unknown>)['rotation'] = undefined;
    delete (old['logs'] as Record<string, unknown>)['type'];
    const checked = checkSavedSpec(JSON.parse(JSON.stringify(old)));
    expect(checked).toEqual(spec('web'));
    expect(checked.logs.rotation).toEqual({ maxSize: 10 * 1024 * 1024, retain: 5, compress: false, interval: null });

    const noLogs = JSON.parse(JSON.stringify(spec('web'))) as Record<string, unknown>;
    delete noLogs['logs'];
    expect(checkSavedSpec(noLogs).logs).toEqual(spec('web').logs);
  });

  it.each(['name', 'script', 'cwd'])('refuses a spec without %s: no default could stand in for it', (field) => {
    const saved = JSON.parse(JSON.stringify(spec('web'))) as Record<string, unknown>;
    delete saved[field];
    expect(specError(saved).message).toBe(`the spec has no ${field}.`);
  });

  it.each([
    ['a relative script', { script: 'server.js' }, /script must be an absolute path/],
    ['a name that is an id', { name: '12' }, /^--name "12"/],
    ['a number where a string goes', { name: 3 }, /--name: expected a string/],
    ['a string where a number goes', { killTimeout: '5000' }, /^killTimeout must be a whole number/],
    ['a negative delay', { restartDelay: -1 }, /restartDelay must be a whole number/],
    ['a bad signal', { killSignal: 'SIGNOPE' }, /not a signal name/],
    ['a string where a flag goes', { autorestart: 'yes' }, /autorestart must be true or false/],
    ['args that are not strings', { args: [1, 2] }, /args must be a list of strings/],
    ['env values that are not strings', { env: { PORT: 3000 } }, /env: PORT must be a string/],
    ['an unknown exec mode', { execMode: 'thread' }, /exec mode "thread"/],
    ['cluster mode for python', { interpreter: 'python3', execMode: 'cluster' }, /cluster mode runs Node scripts only/],
    ['exit codes as text', { stopExitCodes: ['0'] }, /--stop-exit-codes/],
    ['no instance', { instances: 0 }, /instances must be a whole number of at least 1/],
    ['a relative log path', { logs: { out: 'out.log' } }, /--output: expected a file path/],
    ['logs that are a list', { logs: [] }, /logs is a list, not an object/],
    ['rotation that is text', { logs: { rotation: '10M' } }, /logs.rotation is the string "10M"/],
    ['a negative retain', { logs: { rotation: { retain: -1 } } }, /--log-retain: expected a whole number/],
  ])('refuses %s, with the message a request would get', (_what, change, message) => {
    expect(specError({ ...JSON.parse(JSON.stringify(spec('web'))), ...change }).message).toMatch(message);
  });

  it.each([null, 'web', 3, [], undefined])('refuses %j as a spec', (value) => {
    expect(specError(value).message).toMatch(/^the spec is .*, not an object\.$/);
  });
});

describe('savedDesired: a process stopped on its own stays stopped', () => {
  it('runs the ids of a running app that were not stopped alone, and nothing of a stopped app', () => {
    const running: SavedApp = { spec: spec('web', { instances: 3 }), ids: [0, 1, 2], desired: 'running', stoppedIds: [1], pids: [] };
    expect(running.ids.map((id) => savedDesired(running, id))).toEqual(['running', 'stopped', 'running']);
    const stopped: SavedApp = { ...running, desired: 'stopped' };
    expect(stopped.ids.map((id) => savedDesired(stopped, id))).toEqual(['stopped', 'stopped', 'stopped']);
  });

  it('reads stoppedIds back, and omits it when no process was stopped alone', () => {
    const withStopped = app('web', [0, 1], { stoppedIds: [1] });
    expect(used(checkSavedState(file([withStopped]))).state.apps[0]?.stoppedIds).toEqual([1]);
    expect(used(checkSavedState(file([app('web', [0, 1], { stoppedIds: [] })]))).state.apps[0]).not.toHaveProperty('stoppedIds');
  });
});

describe('parseSavedState: the whole file', () => {
  it('reads back what it wrote', () => {
    const state: SavedState = {
      version: 2,
      cleanShutdown: true,
      apps: [
        { spec: spec('web', { instances: 2 }), ids: [0, 1], desired: 'running', pids: [100, 101] },
        { spec: spec('job'), ids: [2], desired: 'stopped', pids: [] },
      ],
    };
    expect(used(parseSavedState(serializeSavedState(state)))).toEqual({ ok: true, state, dropped: [] });
  });

  it.each([
    ['an empty file', '', /^it is empty$/],
    ['a file of blanks', ' \n', /^it is empty$/],
    ['truncated JSON', serializeSavedState({ version: 2, cleanShutdown: false, apps: [] }).slice(0, 20), /^it is not valid JSON \(/],
    ['a list at the top', '[]', /top level is a list, not an object/],
    ['null at the top', 'null', /top level is null/],
    ['no version', JSON.stringify({ cleanShutdown: true, apps: [] }), /format version is missing, not 1 or 2/],
    ['a version from a newer tsm', JSON.stringify(file([], { version: 3 })), /format version 3, written by a newer tsm/],
    ['a version as text', JSON.stringify(file([], { version: '2' })), /format version is the string "2"/],
    ['no cleanShutdown', JSON.stringify({ version: 2, apps: [] }), /cleanShutdown is missing/],
    ['apps that are not a list', JSON.stringify(file([], { apps: {} })), /apps is an object, not a list/],
  ])('refuses %s as a whole', (_what, text, reason) => {
    expect(refused(parseSavedState(text))).toMatch(reason);
  });

  it('refuses a file over the size bound without parsing it', () => {
    const text = ' '.repeat(SAVED_STATE_LIMITS.maxBytes + 1);
    expect(refused(parseSavedState(text))).toMatch(/larger than 16777216 bytes/);
  });

  it('refuses more apps, or more processes, than the bounds', () => {
    const many = Array.from({ length: SAVED_STATE_LIMITS.maxApps + 1 }, () => ({}));
    expect(refused(checkSavedState(file(many)))).toMatch(/lists 10001 apps, more than the 10000/);
    const over = Array.from({ length: 11 }, (_, a) => app(`web${a}`, Array.from({ length: a === 10 ? 1 : 1000 }, (_, i) => a * 1000 + i)));
    expect(refused(checkSavedState(file(over)))).toMatch(/lists 10001 processes, more than the 10000/);
    // At the bound (ten apps of a thousand processes, as an app has at most 1024): read.
    const apps = Array.from({ length: 10 }, (_, a) => app(`web${a}`, Array.from({ length: 1000 }, (_, i) => a * 1000 + i)));
    expect(used(checkSavedState(file(apps))).state.apps.flatMap((a) => a.ids)).toHaveLength(SAVED_STATE_LIMITS.maxIds);
  });
});

describe('checkSavedState: each app stands or falls alone', () => {
  it('keeps the valid apps of a partly invalid file and names each one left out', () => {
    const broken = app('bad', [1]);
    (broken['spec'] as Record<string, unknown>)['killTimeout'] = 'soon';
    const result = used(checkSavedState(file([app('web', [0]), broken, 'junk', app('job', [2])])));
    expect(result.state.apps.map((a) => a.spec.name)).toEqual(['web', 'job']);
    expect(result.dropped).toEqual([
      'app "bad" (id 1) was left out: killTimeout must be a whole number of at least 0, got "soon".',
      'app number 3 in the list was left out: it is the string "junk", not an object.',
    ]);
  });

  it.each([
    ['no ids', { ids: [] }, /ids is a list, not a list of at least one id/],
    ['ids missing', { ids: undefined }, /ids is missing/],
    ['a negative id', { ids: [-1] }, /ids must be whole numbers from 0 to 2147483647, got -1/],
    ['an id the registry could not count past', { ids: [2 ** 53 - 1] }, /got 9007199254740991/],
    ['a fractional id', { ids: [1.5] }, /got 1.5/],
    ['an id as text', { ids: ['1'] }, /got "1"/],
    ['an id twice', { ids: [1, 1] }, /the same id is listed twice/],
    ['no desired state', { desired: undefined }, /desired is missing, not "running" or "stopped"/],
    ['an unknown desired state', { desired: 'paused' }, /desired is the string "paused"/],
    ['a pid that could signal everything', { pids: [1] }, /pids must be a list of process ids/],
    ['a negative pid', { pids: [-5] }, /pids must be a list of process ids/],
    ['no spec', { spec: undefined }, /the spec is missing, not an object/],
    ['a stopped id that is not its own', { stoppedIds: [7] }, /stoppedIds must be a list of ids from its ids/],
    ['stopped ids that are not a list', { stoppedIds: 0 }, /stoppedIds must be a list of ids from its ids/],
  ])('leaves out an app with %s', (_what, change, reason) => {
    const result = used(checkSavedState(file([{ ...app('web', [0]), ...change }])));
    expect(result.state.apps).toEqual([]);
    expect(result.dropped).toHaveLength(1);
    expect(result.dropped[0]).toMatch(reason);
    expect(result.dropped[0]).toMatch(/^app ("web"|number 1 in the list) /);
  });

  it('keeps the first of two apps with one name, and of two apps with one id', () => {
    const result = used(checkSavedState(file([app('web', [0, 1]), app('web', [2]), app('api', [1, 3]), app('job', [4])])));
    expect(result.state.apps.map((a) => [a.spec.name, a.ids])).toEqual([
      ['web', [0, 1]],
      ['job', [4]],
    ]);
    expect(result.dropped).toEqual([
      'app "web" (id 2) was left out: an earlier app in the list has the same name.',
      'app "api" (ids 1, 3) was left out: its id 1 belongs to app "web" already.',
    ]);
  });

  it('restores as many processes as were saved, whatever the spec counted', () => {
    const result = used(checkSavedState(file([app('web', [0, 2], { spec: spec('web', { instances: 3 }) })])));
    expect(result.state.apps[0]!.spec.instances).toBe(2);
  });

  it('gives pids a default: they only help stop orphans', () => {
    const saved = app('web', [0]);
    delete saved['pids'];
    expect(used(checkSavedState(file([saved]))).state.apps[0]!.pids).toEqual([]);
  });

  it('quotes a huge bad value shortly', () => {
    const result = used(checkSavedState(file([app('web', [0], { desired: 'x'.repeat(100_000) })])));
    expect(result.dropped[0]!.length).toBeLessThan(400);
  });
});

describe('version 1 (tsm before the saved format was checked)', () => {
  /** The shape version 1 wrote: pids optional, one app possibly split by spec object. */
  function v1(apps: unknown[]): string {
    return JSON.stringify({ version: 1, cleanShutdown: false, apps });
  }

  it('is read, and written back as version 2', () => {
    const old = { spec: spec('web'), ids: [0], desired: 'running' };
    const result = used(parseSavedState(v1([old])));
    expect(result.state).toEqual({ version: 2, cleanShutdown: false, apps: [{ ...old, pids: [] }] });
    expect(result.dropped).toEqual([]);
  });

  it('joins the entries one app was split into, so restoring it does not double its workers', () => {
    // Saved after a `reload --update-env` that reached worker 0 only: two spec objects, two entries.
    const first = { spec: spec('web', { instances: 2, env: { V: '2' } }), ids: [0], desired: 'stopped', pids: [10] };
    const second = { spec: spec('web', { instances: 2, env: { V: '1' } }), ids: [1], desired: 'running', pids: [11] };
    const result = used(parseSavedState(v1([first, second, { spec: spec('job'), ids: [2], desired: 'running' }])));
    expect(result.state.apps.map((a) => [a.spec.name, a.ids, a.desired, a.pids, a.spec.instances])).toEqual([
      ['web', [0, 1], 'running', [10, 11], 2],
      ['job', [2], 'running', [], 1],
    ]);
    expect(result.state.apps[0]!.spec.env).toEqual({ V: '2' });
    expect(result.dropped).toEqual([]);
  });

  it('checks a version 1 app as strictly as a version 2 one', () => {
    const result = used(parseSavedState(v1([{ spec: { name: 'web' }, ids: [0], desired: 'running' }])));
    expect(result.state.apps).toEqual([]);
    expect(result.dropped).toEqual(['app "web" (id 0) was left out: the spec has no script.']);
  });
});
