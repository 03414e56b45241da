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
