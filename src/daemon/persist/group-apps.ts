import type { SavedApp } from '../../core/saved-state.js';
import type { ProcEntry } from '../registry.js';

/**
 * The processes as saved apps: one app per name, whatever spec objects its instances hold (an
 * app whose `reload --update-env` reached some workers only has two), because restoring starts
 * each saved app with its full instance count: two entries of one app would double its workers.
 * Apps come in order of their lowest id; the saved spec is that of the lowest instance; ids are
 * in instance order, each once.
 */
export function groupApps(entries: readonly ProcEntry[]): SavedApp[] {
  const byName = new Map<string, ProcEntry[]>();
  for (const entry of [...entries].sort((a, b) => a.id - b.id)) {
    const group = byName.get(entry.spec.name) ?? [];
    if (!group.some((other) => other.id === entry.id)) group.push(entry);
    byName.set(entry.spec.name, group);
  }
  return [...byName.values()].map((group) => {
    const ordered = group.sort((a, b) => a.instance - b.instance || a.id - b.id);
    const lowest = ordered[0]!; // a group exists only once an entry was put in it
    const running = ordered.some((entry) => entry.desired === 'running');
    const app: SavedApp = {
      spec: lowest.spec,
      ids: ordered.map((entry) => entry.id),
      desired: running ? 'running' : 'stopped',
      pids: ordered.flatMap((entry) => {
        const pid = entry.proc?.pid;
        return pid === undefined ? [] : [pid];
      }),
    };
    const stopped = ordered.filter((entry) => entry.desired === 'stopped').map((entry) => entry.id);
    if (running && stopped.length > 0) app.stoppedIds = stopped;
    return app;
  });
}
