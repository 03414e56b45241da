import type { AppSpec } from '../../core/app-spec.js';
import { TsmError } from '../../core/errors.js';
import type { ChangeResult } from '../../protocol/methods.js';
import { toInfo, type ProcEntry } from '../registry.js';
import type { DaemonState } from '../state.js';

export function isRunning(entry: ProcEntry): boolean {
  return entry.status === 'launching' || entry.status === 'online' || entry.status === 'waiting-restart';
}

export function changeResult(state: DaemonState, changed: readonly ProcEntry[]): ChangeResult {
  return { changed: changed.map(toInfo), processes: state.registry.all().map(toInfo) };
}

/** PM2's restart: every process stopped first, then all started; the restart count goes up. */
export async function restartTogether(state: DaemonState, entries: readonly ProcEntry[]): Promise<void> {
  await Promise.all(entries.map((entry) => state.supervisor.stop(entry)));
  await Promise.all(
    entries.map((entry) => {
      entry.restarts += 1;
      return state.supervisor.start(entry);
    }),
  );
}

/** Entries grouped by app (the instances of an app share one spec object), in id order. */
export function appsOf(entries: readonly ProcEntry[]): Map<AppSpec, ProcEntry[]> {
  const apps = new Map<AppSpec, ProcEntry[]>();
  for (const entry of [...entries].sort((a, b) => a.id - b.id)) {
    apps.set(entry.spec, [...(apps.get(entry.spec) ?? []), entry]);
  }
  return apps;
}

/**
 * Reload and restart of one app must not overlap: the second is refused with E_BUSY rather than
 * queued, because a queued restart would undo the zero-downtime promise of the reload it waited for.
 */
export async function withAppsBusy<T>(
  state: DaemonState,
  entries: readonly ProcEntry[],
  what: string,
  run: () => Promise<T>,
): Promise<T> {
  const names = [...new Set(entries.map((entry) => entry.spec.name))];
  const busy = names.filter((name) => state.busyApps.has(name));
  if (busy.length > 0) {
    throw new TsmError(
      'E_BUSY',
      `cannot ${what} ${busy.join(', ')}: a reload or restart of it is already under way. Wait for it to finish, then try again.`,
    );
  }
  for (const name of names) state.busyApps.add(name);
  try {
    return await run();
  } finally {
    for (const name of names) state.busyApps.delete(name);
  }
}
