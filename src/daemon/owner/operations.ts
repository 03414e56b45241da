import type { AppSpec } from '../../core/app-spec.js';
import type { ReloadProgress } from '../../protocol/events.js';
import type { RestartReason } from '../../protocol/process-info.js';
import { TsmError } from '../../core/errors.js';
import type { ProcEntry } from '../registry.js';
import type { DaemonState } from '../state.js';
import { replaceWorker } from '../reload.js';
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
export async function restartAll(
  state: DaemonState,
  entries: readonly ProcEntry[],
  signal: AbortSignal,
  reason: RestartReason,
): Promise<void> {
  await stopAll(state, entries);
  checkpoint(signal);
  await Promise.all(
    entries.map((entry) => {
      entry.restarts += 1;
      entry.restartCause = { ...reason, at: Date.now() };
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
  await restartAll(state, running, signal, { kind: 'restart', cause: 'tsm start' });
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
  // Only when there is something to delete: a new app then takes its ids without waiting, so
  // apps created together get theirs in the order they came (see handleStart).
  if (existing.length > 0) await deleteAll(state, existing);
  const kept = existing.map((entry) => entry.id).sort((a, b) => a - b);
  const ids = Array.from({ length: spec.instances }, (_, i) => kept[i] ?? state.registry.allocateId());
  const entries = state.supervisor.createEntries(spec, ids);
  state.logger.info(`start ${spec.name}: ${spec.instances} ${spec.execMode} process(es) of ${spec.script}`);
  if (!spec.autostart) {
    // PM2's autostart: false: registered, started by a later `tsm start <name>`.
    for (const entry of entries) entry.desired = 'stopped';
    return entries;
  }
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

/**
 * A restart the app's own settings ask for (its memory limit, a file change, its cron schedule):
 * through the app's owner like a command, as a reload for a cluster app (one worker at a time,
 * no request lost) and a restart for a fork app. `ids` narrows it to some processes. Never
 * rejects: a refusal (a restart under way already) or a failure is logged.
 */
export async function refreshApp(state: DaemonState, name: string, reason: RestartReason, ids?: readonly number[]): Promise<void> {
  const cluster = state.registry.byName(name)[0]?.spec.execMode === 'cluster';
  const kind = cluster ? 'reload' : 'restart';
  try {
    await state.owners.of(name).submit(kind, async (signal) => {
      const entries = state.registry.byName(name).filter((entry) => entry.desired === 'running' && (!ids || ids.includes(entry.id)));
      if (entries.length === 0) return;
      state.logger.info(`${name}: ${reason.cause}; ${cluster ? 'reloading' : 'restarting'} id ${entries.map((e) => e.id).join(', ')}`);
      reloadFailure(state, await reloadEntries(state, entries, signal, reason));
    });
    await state.save();
  } catch (error) {
    state.logger.warn(`${name}: ${reason.cause}; not restarted: ${(error as Error).message}`);
  }
}

export interface ReloadOptions {
  /** Workers replaced at once (`--parallel`). */
  parallel?: number;
  onProgress?: (progress: ReloadProgress) => void;
}

/** What a reload left undone: the workers whose replacement failed, and how many kept their old process. */
export interface ReloadOutcome {
  failed: Array<{ entry: ProcEntry; reason: string }>;
  notReloaded: number;
}

/**
 * Reloads a cluster app's workers `parallel` at a time (a worker that is not serving has nothing
 * to hand over and is restarted); a fork app has no second process to hand over to and is
 * restarted. The first batch with a failed replacement ends the reload there: its old workers,
 * and those not reached, keep serving (a new version that does not start is not tried further).
 */
export async function reloadEntries(
  state: DaemonState,
  entries: readonly ProcEntry[],
  signal: AbortSignal,
  reason: RestartReason,
  options: ReloadOptions = {},
): Promise<ReloadOutcome> {
  const progress = (entry: ProcEntry, oldPid: number | null, began: number): void =>
    options.onProgress?.({
      name: entry.spec.name,
      id: entry.id,
      instance: entry.instance,
      mode: entry.spec.execMode,
      oldPid,
      newPid: entry.proc?.pid ?? null,
      readyMs: Date.now() - began,
    });
  const restart = async (batch: readonly ProcEntry[]): Promise<void> => {
    const before = batch.map((entry) => entry.proc?.pid ?? null);
    const began = Date.now();
    await restartAll(state, batch, signal, reason);
    batch.forEach((entry, i) => progress(entry, before[i] ?? null, began));
  };
  if (entries[0]?.spec.execMode !== 'cluster') {
    await restart(entries);
    return { failed: [], notReloaded: 0 };
  }
  const parallel = Math.max(1, options.parallel ?? 1);
  for (let start = 0; start < entries.length; start += parallel) {
    checkpoint(signal);
    const batch = entries.slice(start, start + parallel);
    const outcomes = await Promise.all(
      batch.map(async (entry) => {
        if (entry.status !== 'online' || !entry.proc) {
          await restart([entry]);
          return null;
        }
        const outcome = await replaceWorker(state, entry, entry.spec, signal, reason);
        if (!outcome.ok) return { entry, reason: outcome.reason };
        options.onProgress?.(outcome.progress);
        return null;
      }),
    );
    const failed = outcomes.filter((outcome): outcome is { entry: ProcEntry; reason: string } => outcome !== null);
    if (failed.length > 0) return { failed, notReloaded: entries.length - start - batch.length + failed.length };
  }
  return { failed: [], notReloaded: 0 };
}

/**
 * A failed reload, told once for the daemon's log, each failed worker's error log (where the
 * app's developer looks) and the reply; null when nothing failed.
 */
export function reloadFailure(state: DaemonState, outcome: ReloadOutcome): string | null {
  const first = outcome.failed[0];
  if (!first) return null;
  const name = first.entry.spec.name;
  const lines = outcome.failed.map(({ entry, reason }) => {
    const line = `reload of ${name} failed at instance ${entry.instance} (id ${entry.id}): ${reason}`;
    state.logger.error(line);
    state.appendToErrorLog(entry, `[tsm] ${line}; the old worker keeps serving`);
    return `${line}.`;
  });
  return (
    `${lines.join('\n')}\nThe old worker keeps serving; ${outcome.notReloaded} worker(s) of ${name} were not reloaded. ` +
    `See ${first.entry.logs.err ?? state.paths.daemonLog}`
  );
}

/**
 * `tsm scale`: instances added (launched if the app should run) or removed from the highest
 * down (stopped gracefully, then forgotten). Every instance shares the new spec.
 */
export async function scaleApp(state: DaemonState, name: string, count: number, signal: AbortSignal): Promise<ProcEntry[]> {
  const entries = state.registry.byName(name).sort((a, b) => a.instance - b.instance);
  const first = entries[0];
  if (!first) throw new TsmError('E_NOT_FOUND', `no app named '${name}' (deleted while this scale waited?). See tsm list.`);
  const spec: AppSpec = { ...first.spec, instances: count };
  setAppSpec(state, name, spec);
  if (count < entries.length) {
    const removed = entries.slice(count);
    await deleteAll(state, removed);
    return removed;
  }
  const ids = Array.from({ length: count - entries.length }, () => state.registry.allocateId());
  const added = state.supervisor.createEntries(spec, ids, entries.length);
  const running = entries.some((entry) => entry.desired === 'running');
  for (const entry of added) entry.desired = running ? 'running' : 'stopped';
  checkpoint(signal);
  if (running) await launchOrUndo(state, added, signal);
  return added;
}
