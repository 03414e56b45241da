import type { AppSpec } from '../core/app-spec.js';
import type { ReloadProgress } from '../protocol/events.js';
import type { RestartReason } from '../protocol/process-info.js';
import { checkpoint } from './owner/app-owner.js';
import type { ExitInfo, RunningProcess } from './process/running-process.js';
import { terminate } from './process/terminate.js';
import type { ProcEntry } from './registry.js';
import type { DaemonState } from './state.js';
import { describeExit } from './supervisor.js';

/** Keep-alive connections left idle this long by a draining worker are closed. */
const DRAIN_IDLE_CLOSE_MS = 1000;

export type ReplaceOutcome = { ok: true; progress: ReloadProgress } | { ok: false; reason: string };

/**
 * Replaces one cluster worker without dropping a request: fork the replacement (same instance,
 * same id), wait until it listens (or sends 'ready' with --wait-ready), and only then take the
 * old worker out: it leaves the rotation, finishes its connections, and is stopped. A replacement
 * that is not ready in time, or dies first, is stopped, and the old worker keeps serving.
 */
export async function replaceWorker(
  state: DaemonState,
  entry: ProcEntry,
  spec: AppSpec,
  signal: AbortSignal,
  reason: RestartReason,
): Promise<ReplaceOutcome> {
  const old = entry.proc;
  if (!state.supervisor.mayRun(entry)) return { ok: false, reason: 'the app may not run now' };
  const spawnedAt = Date.now();
  let replacement: RunningProcess;
  try {
    replacement = state.supervisor.spawnReplacement(entry, spec);
  } catch (error) {
    return { ok: false, reason: `the replacement could not be started: ${(error as Error).message}` };
  }
  const ready = await waitUntilReady(replacement, spec, signal);
  const readyMs = Date.now() - spawnedAt;
  const superseded = entry.proc !== old || entry.status !== 'online' || !state.supervisor.mayRun(entry);
  if (!ready.ok || superseded || signal.aborted) {
    await terminate(replacement, spec);
    checkpoint(signal); // cancelled: the caller hears why from the abort's reason
    return { ok: false, reason: ready.ok ? 'the app was stopped while it reloaded' : ready.reason };
  }
  state.supervisor.adopt(entry, replacement, spec, reason);
  const progress: ReloadProgress = {
    name: spec.name,
    id: entry.id,
    instance: entry.instance,
    mode: 'cluster',
    oldPid: old?.pid ?? null,
    newPid: replacement.pid ?? null,
    readyMs,
  };
  if (old) {
    const retiring = Date.now();
    const how = await retire(old, spec);
    state.logger.info(`reload ${spec.name} (id ${entry.id}): pid ${progress.oldPid} → ${progress.newPid} ready in ${readyMs} ms; old worker ${how} in ${Date.now() - retiring} ms`);
  }
  return { ok: true, progress };
}

/** Resolves when the replacement is ready, exits, times out, or the reload is cancelled. */
function waitUntilReady(
  proc: RunningProcess,
  spec: AppSpec,
  signal: AbortSignal,
): Promise<{ ok: true } | { ok: false; reason: string }> {
  const awaited = spec.waitReady ? "send 'ready'" : 'listen';
  return new Promise((resolve) => {
    const finish = (result: { ok: true } | { ok: false; reason: string }): void => {
      clearTimeout(timer);
      proc.off('listening', onListening);
      proc.off('message', onMessage);
      proc.off('exit', onExit);
      signal.removeEventListener('abort', onAbort);
      resolve(result);
    };
    const onAbort = (): void => finish({ ok: false, reason: 'the reload was cancelled' });
    const onListening = (): void => {
      if (!spec.waitReady) finish({ ok: true });
    };
    const onMessage = (message: unknown): void => {
      if (spec.waitReady && message === 'ready') finish({ ok: true });
    };
    const onExit = (info: ExitInfo): void =>
      finish({ ok: false, reason: `the replacement exited (${describeExit(info)}) before it was ready` });
    const timer = setTimeout(
      () => finish({ ok: false, reason: `the replacement did not ${awaited} within ${spec.listenTimeout} ms (--listen-timeout)` }),
      spec.listenTimeout,
    );
    proc.on('listening', onListening);
    proc.on('message', onMessage);
    proc.once('exit', onExit);
    signal.addEventListener('abort', onAbort);
    if (proc.hasExited) void proc.exited.then(onExit);
    if (signal.aborted) onAbort();
  });
}

/**
 * The old worker leaves the rotation, finishes what it serves (bounded by kill_timeout), then
 * stops. Returns how the drain ended, for the daemon's log.
 */
async function retire(old: RunningProcess, spec: AppSpec): Promise<string> {
  let how = 'could not drain';
  if (old.drain(DRAIN_IDLE_CLOSE_MS)) {
    let timer: NodeJS.Timeout | undefined;
    how = await Promise.race([
      new Promise<string>((resolve) => old.once('drained', () => resolve('drained'))),
      old.exited.then(() => 'exited while draining'),
      new Promise<string>((resolve) => {
        timer = setTimeout(() => resolve(`still had connections after ${spec.killTimeout} ms`), spec.killTimeout);
      }),
    ]);
    clearTimeout(timer);
  }
  await terminate(old, spec);
  return how;
}
