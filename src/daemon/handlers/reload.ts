import type { AppSpec } from '../../core/app-spec.js';
import { TsmError } from '../../core/errors.js';
import type { ChangeResult, Params } from '../../protocol/methods.js';
import { checkpoint } from '../owner/app-owner.js';
import { restartAll, setAppSpec } from '../owner/operations.js';
import type { ProcEntry } from '../registry.js';
import { replaceWorker } from '../reload.js';
import type { DaemonState } from '../state.js';
import { changeResult, onApps } from './common.js';
import type { RequestContext } from './context.js';

/**
 * `tsm reload`: cluster apps have their workers replaced `parallel` at a time; fork apps are
 * restarted (and the CLI says so). A failure stops that app's reload where it is (the old
 * workers keep serving) and is reported once every app has been tried.
 */
export async function handleReload(state: DaemonState, params: Params<'reload'>, ctx: RequestContext): Promise<ChangeResult> {
  const parallel = params?.parallel ?? 1;
  if (!Number.isInteger(parallel) || parallel < 1) {
    throw new TsmError('E_USAGE', `--parallel ${String(params.parallel)}: expected a whole number of at least 1.`);
  }
  const failures: string[] = [];
  const changed = await onApps(state, params?.targets, 'reload', async (entries, signal) => {
    const first = entries[0]!;
    // The app's new settings are the app's from now on, for every instance, whatever happens
    // to this reload: an app is one app, saved once, never half old and half new.
    const spec: AppSpec = params.env ? { ...first.spec, env: params.env } : first.spec;
    if (spec !== first.spec) setAppSpec(state, spec.name, spec);
    const failure = await state.counters.timeReload(spec.name, () =>
      spec.execMode === 'cluster' ? reloadCluster(state, entries, spec, parallel, ctx, signal) : restartFork(state, entries, ctx, signal));
    if (failure) failures.push(failure);
  });
  const result = await changeResult(state, changed);
  if (failures.length > 0) throw new TsmError('E_RELOAD_FAILED', failures.join('\n'));
  return result;
}

async function reloadCluster(
  state: DaemonState,
  entries: ProcEntry[],
  spec: AppSpec,
  parallel: number,
  ctx: RequestContext,
  signal: AbortSignal,
): Promise<string | null> {
  for (let start = 0; start < entries.length; start += parallel) {
    checkpoint(signal);
    const batch = entries.slice(start, start + parallel);
    const outcomes = await Promise.all(batch.map((entry) => replaceOrStart(state, entry, spec, ctx, signal)));
    const failed = outcomes.flatMap((reason, index) => (reason ? [{ entry: batch[index]!, reason }] : []));
    if (failed.length > 0) {
      const left = entries.length - start - batch.length + failed.length;
      const lines = failed.map(({ entry, reason }) => {
        const line = `reload of ${spec.name} failed at instance ${entry.instance} (id ${entry.id}): ${reason}`;
        state.logger.error(line);
        state.appendToErrorLog(entry, `[tsm] ${line}; the old worker keeps serving`);
        return `${line}.`;
      });
      return (
        `${lines.join('\n')}\nThe old worker keeps serving; ${left} worker(s) of ${spec.name} were not reloaded. ` +
        `See ${failed[0]!.entry.logs.err ?? state.paths.daemonLog}`
      );
    }
  }
  state.logger.info(`reloaded ${spec.name}: ${entries.length} worker(s) replaced`);
  return null;
}

/** A worker that is not serving (stopped, errored, waiting) has nothing to hand over: it is started. */
async function replaceOrStart(
  state: DaemonState,
  entry: ProcEntry,
  spec: AppSpec,
  ctx: RequestContext,
  signal: AbortSignal,
): Promise<string | null> {
  if (entry.status !== 'online' || !entry.proc) {
    const oldPid = entry.proc?.pid ?? null;
    const began = Date.now();
    await restartAll(state, [entry], signal);
    ctx.emit('reload-progress', progressOf(entry, oldPid, began));
    return null;
  }
  const outcome = await replaceWorker(state, entry, spec, signal);
  if (!outcome.ok) return outcome.reason;
  ctx.emit('reload-progress', outcome.progress);
  return null;
}

/** Fork mode has no second process to hand over to: reload is a restart, and the CLI says so. */
async function restartFork(state: DaemonState, entries: ProcEntry[], ctx: RequestContext, signal: AbortSignal): Promise<null> {
  const before = new Map(entries.map((entry) => [entry.id, entry.proc?.pid ?? null]));
  const began = Date.now();
  await restartAll(state, entries, signal);
  for (const entry of entries) ctx.emit('reload-progress', progressOf(entry, before.get(entry.id) ?? null, began));
  return null;
}

function progressOf(entry: ProcEntry, oldPid: number | null, began: number) {
  return {
    name: entry.spec.name,
    id: entry.id,
    instance: entry.instance,
    mode: entry.spec.execMode,
    oldPid,
    newPid: entry.proc?.pid ?? null,
    readyMs: Date.now() - began,
  };
}
