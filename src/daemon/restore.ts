import { savedDesired } from '../core/saved-state.js';
import type { SavedApp, SavedState } from './persist.js';
import { endProcesses, orphansById } from './process/orphans.js';
import type { ProcEntry } from './registry.js';
import type { DaemonState } from './state.js';

/**
 * After a daemon crash, in two steps. `registerSaved` runs before the socket listens: every
 * saved app is in the list again (stopped for now), so commands see and queue on them, and ids
 * stay what users know. `restoreSaved` then ends what the dead daemon left running (fork-mode
 * apps outlive their daemon and would hold their ports), and starts every app that should run,
 * each as an operation of its app's owner, so a stop or delete meanwhile wins.
 */
export function registerSaved(state: DaemonState, saved: SavedState): Map<SavedApp, ProcEntry[]> {
  const registered = new Map<SavedApp, ProcEntry[]>();
  for (const app of saved.apps) {
    for (const id of app.ids) state.registry.reserveId(id);
    const entries = state.supervisor.createEntries(app.spec, app.ids);
    for (const entry of entries) entry.desired = savedDesired(app, entry.id);
    registered.set(app, entries);
  }
  return registered;
}

export async function restoreSaved(state: DaemonState, registered: Map<SavedApp, ProcEntry[]>): Promise<void> {
  await endLeftovers(state, [...registered.keys()]);
  const restores = [...registered].map(([app, entries]) => {
    if (app.desired !== 'running') return Promise.resolve();
    return state.owners
      .of(app.spec.name)
      .submit('restore', async (signal) => {
        const wanted = entries.filter((entry) => entry.desired === 'running');
        const outcomes = await Promise.allSettled(wanted.map((entry) => state.supervisor.launch(entry, signal)));
        for (const outcome of outcomes) {
          if (outcome.status === 'rejected') throw outcome.reason;
        }
      })
      .catch((error: unknown) => state.logger.error(`could not restore ${app.spec.name}: ${(error as Error).message}`));
  });
  await Promise.all(restores);
}

/** Each app's leftovers get its own kill signal and timeout; those of no saved app, SIGTERM. */
async function endLeftovers(state: DaemonState, apps: readonly SavedApp[]): Promise<void> {
  // One pass over /proc for every app (one per app took seconds after a crash with 50 apps).
  const byId = orphansById(state.paths.home);
  const all = [...byId.values()].flat();
  if (all.length === 0) return;
  state.logger.warn(`ending ${all.length} process(es) the previous daemon left running (pids ${all.join(', ')})`);
  const claimed = new Set<number>();
  const ends = apps.map((app) => {
    const pids = app.ids.flatMap((id) => byId.get(id) ?? []);
    for (const pid of pids) claimed.add(pid);
    return endProcesses(pids, app.spec.killSignal, app.spec.killTimeout);
  });
  ends.push(endProcesses(all.filter((pid) => !claimed.has(pid)), 'SIGTERM', 5000));
  await Promise.all(ends);
}
