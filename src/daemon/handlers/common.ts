import { TsmError } from '../../core/errors.js';
import type { OpKind } from '../../core/overlap.js';
import type { ChangeResult } from '../../protocol/methods.js';
import { toInfo, type ProcEntry } from '../registry.js';
import type { DaemonState } from '../state.js';

/**
 * Runs one command's operation on every app its targets cover, each app's part through that
 * app's owner (so it waits for, cancels, or is refused by what already runs there: see
 * core/overlap.ts). The targets are resolved when the command arrives, so a typo changes nothing;
 * each part then works on the app's processes as they are when its turn comes.
 */
export async function onApps(
  state: DaemonState,
  targets: readonly string[],
  kind: OpKind,
  run: (entries: ProcEntry[], signal: AbortSignal) => Promise<void>,
): Promise<ProcEntry[]> {
  const resolved = state.registry.resolve(targets);
  const ids = new Set(resolved.map((entry) => entry.id));
  const names = [...new Set(resolved.map((entry) => entry.spec.name))];
  const parts = await state.owners.submitAll(names, kind, async (name, signal) => {
    const entries = state.registry.byName(name).filter((entry) => ids.has(entry.id));
    if (entries.length > 0) await run(entries, signal);
    return entries;
  });
  const changed = parts.flat();
  if (changed.length === 0 && resolved.length > 0) {
    throw new TsmError('E_NOT_FOUND', `${names.join(', ')} no longer exist(s): deleted while this ${kind} waited for its turn.`);
  }
  return changed;
}

/**
 * The reply to a command that changed processes, once the app list is saved. A change that was
 * made but could not be saved says exactly that, instead of passing for a failed change.
 */
export async function changeResult(state: DaemonState, changed: readonly ProcEntry[]): Promise<ChangeResult> {
  const notSaved = await state.save().then(
    () => null,
    (error: unknown) => (error as Error).message,
  );
  return {
    changed: changed.map((entry) => toInfo(entry)),
    processes: state.registry.all().map((entry) => toInfo(entry)),
    ...(notSaved === null ? {} : { notSaved }),
  };
}

/** Entries grouped by app name, in id order. */
export function appsOf(entries: readonly ProcEntry[]): Map<string, ProcEntry[]> {
  const apps = new Map<string, ProcEntry[]>();
  for (const entry of [...entries].sort((a, b) => a.id - b.id)) {
    apps.set(entry.spec.name, [...(apps.get(entry.spec.name) ?? []), entry]);
  }
  return apps;
}
