import type { AppSpec } from '../../core/app-spec.js';
import { TsmError } from '../../core/errors.js';
import type { ProcEntry } from '../registry.js';
import type { DaemonState } from '../state.js';
import { checkpoint } from './app-owner.js';

/**
 * The steps of the operations an app's owner runs. Each is called with the owner's turn held,
 * so nothing else changes the app's processes meanwhile; between steps, `checkpoint` lets a later
 * stop or delete cancel what is left.
 */

export async function stopAll(state: DaemonState, entries: readonly ProcEntry[]): Promise<void> {
  await Promise.all(entries.map((entry) => state.supervisor.stop(entry)));
}

export async function deleteAll(state: DaemonState, entries: readonly ProcEntry[]): Promise<void> {
  await Promise.all(entries.map((entry) => state.supervisor.remove(entry)));
}

/** PM2's restart: every process stopped first, then all started; the restart count goes up. */
export async function restartAll(state: DaemonState, entries: readonly ProcEntry[], signal: AbortSignal): Promise<void> {
  await stopAll(state, entries);
  checkpoint(signal);
  await Promise.all(
    entries.map((entry) => {
      entry.restarts += 1;
      state.counters.restarted(entry, 'restart');
      return state.supervisor.start(entry, signal);
    }),
  );
}

/**
 * The daemon's shutdown: every app's processes stopped, keeping the wish that they run (for the
 * next daemon, or resurrect). Apps being created have an owner before they have processes, so
 * they are covered too; from `accepting()` false on, nothing spawns for them anyway.
 */
export async function stopEveryApp(state: DaemonState): Promise<void> {
  const names = [...new Set([...state.registry.all().map((entry) => entry.spec.name), ...state.owners.busy()])];
  await state.owners.submitAll(names, 'shutdown', (name) =>
    Promise.all(state.registry.byName(name).map((entry) => state.supervisor.stop(entry, false))),
  );
}

/** Smart start (`tsm start <name>`): what runs is restarted, what is stopped is started. */
export async function startOrRestart(state: DaemonState, entries: readonly ProcEntry[], signal: AbortSignal): Promise<void> {
  const running = entries.filter(isRunning);
  await restartAll(state, running, signal);
  await Promise.all(entries.filter((entry) => !running.includes(entry)).map((entry) => state.supervisor.start(entry, signal)));
}

/** Every instance of an app shares one spec: a new one (--update-env) replaces it for all. */
export function setAppSpec(state: DaemonState, name: string, spec: AppSpec): void {
  for (const entry of state.registry.byName(name)) entry.spec = spec;
}

/**
 * `tsm start <script>`: a new app, or with `force` the replacement of the one of that name
 * (keeping its ids, which users and their scripts know it by). Checked again here, with the
 * app's turn held, so two overlapping starts of one name end with one app, not two.
 */
export async function createApp(state: DaemonState, spec: AppSpec, force: boolean, signal: AbortSignal): Promise<ProcEntry[]> {
  const existing = state.registry.byName(spec.name);
  const running = existing.filter(isRunning);
  if (running.length > 0 && !force) {
    throw new TsmError(
      'E_ALREADY_RUNNING',
      `app '${spec.name}' is already running (id ${running.map((e) => e.id).join(', ')}). ` +
        `Use 'tsm restart ${spec.name}' to restart it, 'tsm start -f' to replace it, or --name to start another.`,
    );
  }
  await deleteAll(state, existing);
  const kept = existing.map((entry) => entry.id).sort((a, b) => a - b);
  const ids = Array.from({ length: spec.instances }, (_, i) => kept[i] ?? state.registry.allocateId());
  const entries = state.supervisor.createEntries(spec, ids);
  state.logger.info(`start ${spec.name}: ${spec.instances} ${spec.execMode} process(es) of ${spec.script}`);
  checkpoint(signal);
  await launchOrUndo(state, entries, signal);
  const failed = entries.filter((entry) => entry.status === 'errored' && entry.lastExit?.error);
  if (failed.length === entries.length) {
    // Nothing ran: an interpreter that does not exist is bad input, and bad input changes nothing.
    await deleteAll(state, entries);
    throw new TsmError('E_SPAWN', `could not start ${spec.name}: ${failed[0]?.lastExit?.error ?? 'unknown error'}.`);
  }
  return entries;
}

/**
 * Launches a new app's processes; if any cannot be launched (its log file cannot be opened),
 * those that were spawned are stopped and the app forgotten before the error is reported.
 */
export async function launchOrUndo(state: DaemonState, entries: readonly ProcEntry[], signal?: AbortSignal): Promise<void> {
  const outcomes = await Promise.allSettled(entries.map((entry) => state.supervisor.launch(entry, signal)));
  const failure = outcomes.find((outcome): outcome is PromiseRejectedResult => outcome.status === 'rejected');
  if (!failure) return;
  const reason = failure.reason as unknown;
  if (reason instanceof TsmError && reason.code === 'E_CANCELLED') throw reason;
  await deleteAll(state, entries);
  throw reason;
}

export function isRunning(entry: ProcEntry): boolean {
  return entry.status === 'launching' || entry.status === 'online' || entry.status === 'waiting-restart';
}
