import type { AppSpec } from './app-spec.js';
import { checkSavedSpec, describeValue, isRecord } from './saved-spec.js';

/**
 * The saved app list (apps.json, dump.json): its format, typed on its own because it changes
 * for other reasons than the protocol or the registry, and checked when read like any input.
 *
 * Version 2 differs from version 1 in what it promises: one entry per app name (version 1 could
 * save one app as two entries, see migrateVersion1).
 */
export const SAVED_STATE_VERSION = 2;

export const SAVED_STATE_LIMITS = {
  /** Far above any real list (an app with a large environment is a few KB): a bigger file is not ours. */
  maxBytes: 16 * 1024 * 1024,
  maxApps: 10_000,
  /** Processes across all apps. */
  maxIds: 10_000,
} as const;

/** Linux pids stop at 2^22; anything above 2^31 is no pid on any platform. */
const MAX_PID = 2 ** 31 - 1;

/**
 * The registry numbers new processes from the highest id restored, plus one: ids near 2^53 would
 * lose precision there and repeat. No list ever reaches 2^31 processes.
 */
const MAX_ID = 2 ** 31 - 1;

/** One app as saved: its spec, the ids of its processes in instance order, whether it should run. */
export interface SavedApp {
  spec: AppSpec;
  ids: number[];
  desired: 'running' | 'stopped';
  /**
   * Processes stopped on their own (`tsm stop 3`) while the rest of the app runs; absent when
   * none is. Without it, a worker stopped by id would come back at the next restore.
   */
  stoppedIds?: number[];
  /** Pids at the time of saving, so a daemon restored after a crash can stop orphans. */
  pids: number[];
}

/** Whether one process of a saved app should run after a restore. */
export function savedDesired(app: SavedApp, id: number): 'running' | 'stopped' {
  return app.desired === 'running' && !(app.stoppedIds ?? []).includes(id) ? 'running' : 'stopped';
}

export interface SavedState {
  version: typeof SAVED_STATE_VERSION;
  /** False while a daemon runs: a daemon that finds false after a crash restores the apps. */
  cleanShutdown: boolean;
  apps: SavedApp[];
}

/**
 * A file either cannot be used at all (`ok: false`, the reason why), or is used with the apps
 * that passed; each app left out is one phrase in `dropped` ("app "web" (ids 0, 1) was left out: ...").
 */
export type ParsedSavedState = { ok: true; state: SavedState; dropped: string[] } | { ok: false; reason: string };

export function serializeSavedState(state: SavedState): string {
  return `${JSON.stringify(state, null, 2)}\n`;
}

export function parseSavedState(text: string): ParsedSavedState {
  if (text.length > SAVED_STATE_LIMITS.maxBytes) {
    return { ok: false, reason: `it is larger than ${SAVED_STATE_LIMITS.maxBytes} bytes` };
  }
  if (text.trim() === '') return { ok: false, reason: 'it is empty' };
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (error) {
    return { ok: false, reason: `it is not valid JSON (${error instanceof Error ? error.message : String(error)})` };
  }
  return checkSavedState(value);
}

/** The top level must hold for the file to be used; below it, each app stands or falls alone. */
export function checkSavedState(value: unknown): ParsedSavedState {
  if (!isRecord(value)) return { ok: false, reason: `its top level is ${describeValue(value)}, not an object` };
  const { version, cleanShutdown, apps } = value;
  if (version !== 1 && version !== SAVED_STATE_VERSION) {
    return typeof version === 'number' && Number.isInteger(version) && version > SAVED_STATE_VERSION
      ? { ok: false, reason: `it is format version ${version}, written by a newer tsm; this one reads versions 1 and 2` }
      : { ok: false, reason: `its format version is ${describeValue(version)}, not 1 or 2` };
  }
  if (typeof cleanShutdown !== 'boolean') {
    return { ok: false, reason: `cleanShutdown is ${describeValue(cleanShutdown)}, not true or false` };
  }
  if (!Array.isArray(apps)) return { ok: false, reason: `apps is ${describeValue(apps)}, not a list` };
  if (apps.length > SAVED_STATE_LIMITS.maxApps) {
    return { ok: false, reason: `it lists ${apps.length} apps, more than the ${SAVED_STATE_LIMITS.maxApps} tsm reads` };
  }
  const idCount = apps.reduce<number>((sum, app) => sum + (isRecord(app) && Array.isArray(app['ids']) ? app['ids'].length : 0), 0);
  if (idCount > SAVED_STATE_LIMITS.maxIds) {
    return { ok: false, reason: `it lists ${idCount} processes, more than the ${SAVED_STATE_LIMITS.maxIds} tsm reads` };
  }
  const raw = version === 1 ? migrateVersion1(apps) : apps;
  const { kept, dropped } = checkApps(raw);
  return { ok: true, state: { version: SAVED_STATE_VERSION, cleanShutdown, apps: kept }, dropped };
}

/**
 * Version 1 grouped processes by spec object, so an app whose instances held different spec
 * objects (a `reload --update-env` that failed on some workers) was saved as several entries,
 * each restored with the full instance count. Entries of one name are joined here, in file order
 * (the first was the lowest instance, and keeps its spec).
 */
function migrateVersion1(apps: readonly unknown[]): unknown[] {
  const byName = new Map<string, Record<string, unknown>>();
  const out: unknown[] = [];
  for (const app of apps) {
    const name = isRecord(app) && isRecord(app['spec']) ? app['spec']['name'] : undefined;
    const first = typeof name === 'string' ? byName.get(name) : undefined;
    if (!isRecord(app)) {
      out.push(app);
    } else if (first && Array.isArray(first['ids']) && Array.isArray(app['ids'])) {
      first['ids'] = [...first['ids'], ...app['ids']];
      first['pids'] = [...asList(first['pids']), ...asList(app['pids'])];
      if (app['desired'] === 'running') first['desired'] = 'running';
    } else {
      const copy = { ...app };
      if (typeof name === 'string' && !first) byName.set(name, copy);
      out.push(copy);
    }
  }
  return out;
}

function asList(value: unknown): unknown[] {
  return Array.isArray(value) ? value : [];
}

function checkApps(apps: readonly unknown[]): { kept: SavedApp[]; dropped: string[] } {
  const kept: SavedApp[] = [];
  const dropped: string[] = [];
  const owners = new Map<number, string>(); // id -> the name of the app kept with it
  apps.forEach((raw, index) => {
    const label = labelOf(raw, index);
    try {
      const app = checkApp(raw);
      if (kept.some((other) => other.spec.name === app.spec.name)) {
        throw new Error(`an earlier app in the list has the same name.`);
      }
      const taken = app.ids.find((id) => owners.has(id));
      if (taken !== undefined) throw new Error(`its id ${taken} belongs to app "${owners.get(taken)}" already.`);
      for (const id of app.ids) owners.set(id, app.spec.name);
      kept.push(app);
    } catch (error) {
      dropped.push(`${label} was left out: ${shorten(error instanceof Error ? error.message : String(error))}`);
    }
  });
  return { kept, dropped };
}

function checkApp(raw: unknown): SavedApp {
  if (!isRecord(raw)) throw new Error(`it is ${describeValue(raw)}, not an object.`);
  const ids = checkIds(raw['ids']);
  const desired = raw['desired'];
  if (desired !== 'running' && desired !== 'stopped') {
    throw new Error(`desired is ${describeValue(desired)}, not "running" or "stopped".`);
  }
  const pids = raw['pids'] ?? []; // only a hint for stopping orphans: none is a fine default
  if (!Array.isArray(pids) || !pids.every((pid) => Number.isInteger(pid) && pid > 1 && pid <= MAX_PID)) {
    throw new Error('pids must be a list of process ids (whole numbers above 1).');
  }
  const stoppedIds = raw['stoppedIds'] ?? [];
  if (!Array.isArray(stoppedIds) || !stoppedIds.every((id) => ids.includes(id as number))) {
    throw new Error('stoppedIds must be a list of ids from its ids.');
  }
  // The ids are the processes that existed (one may have been deleted by id): restore exactly those.
  const spec = { ...checkSavedSpec(raw['spec']), instances: ids.length };
  const app: SavedApp = { spec, ids, desired, pids: pids as number[] };
  if (stoppedIds.length > 0) app.stoppedIds = stoppedIds as number[];
  return app;
}

function checkIds(ids: unknown): number[] {
  if (!Array.isArray(ids) || ids.length === 0) throw new Error(`ids is ${describeValue(ids)}, not a list of at least one id.`);
  for (const id of ids) {
    if (!Number.isInteger(id) || (id as number) < 0 || (id as number) > MAX_ID) {
      throw new Error(`ids must be whole numbers from 0 to ${MAX_ID}, got ${shorten(JSON.stringify(id) ?? 'undefined')}.`);
    }
  }
  if (new Set(ids).size !== ids.length) throw new Error('the same id is listed twice in its ids.');
  return ids as number[];
}

/** `app "web" (ids 0, 1)`, or by position when the entry is too broken to have a name. */
function labelOf(raw: unknown, index: number): string {
  const spec = isRecord(raw) ? raw['spec'] : undefined;
  const name = isRecord(spec) && typeof spec['name'] === 'string' ? spec['name'] : undefined;
  const ids = isRecord(raw) && Array.isArray(raw['ids']) && raw['ids'].every(Number.isSafeInteger) ? (raw['ids'] as number[]) : [];
  const which = name === undefined ? `app number ${index + 1} in the list` : `app ${JSON.stringify(shorten(name, 60))}`;
  return ids.length === 0 ? which : `${which} (${ids.length === 1 ? 'id' : 'ids'} ${shorten(ids.join(', '), 60)})`;
}

/** A reason quotes the bad value; a file can hold megabytes in one field, a message should not. */
function shorten(text: string, max = 300): string {
  return text.length <= max ? text : `${text.slice(0, max - 3)}...`;
}
