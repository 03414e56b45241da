import { statSync } from 'node:fs';
import { buildAppSpec, type AppSpec } from '../../core/app-spec.js';
import { TsmError } from '../../core/errors.js';
import type { ChangeResult, StartParams } from '../../protocol/methods.js';
import { createApp, reloadEntries, reloadFailure, restartAll, setAppSpec, startOrRestart } from '../owner/operations.js';
import type { ProcEntry } from '../registry.js';
import type { DaemonState } from '../state.js';
import { cronProblem } from '../triggers/app-triggers.js';
import { changeResult, onApps } from './common.js';

export async function handleStart(state: DaemonState, params: StartParams): Promise<ChangeResult> {
  if (params?.kind === 'targets') {
    const changed = await onApps(state, params.targets, 'start', (entries, signal) => startOrRestart(state, entries, signal));
    return changeResult(state, changed);
  }
  if (params?.kind !== 'script') throw new TsmError('E_USAGE', 'start: expected a script or the name of an app.');
  // Everything is checked before the app's turn is taken: bad input queues nothing.
  const spec = buildAppSpec(params.input, state.cpus);
  // core cannot hold the cron library: the expression is checked here, by the one that runs it.
  const cronIssue = spec.cronRestart === '' ? null : cronProblem(spec.cronRestart);
  if (cronIssue) throw new TsmError('E_USAGE', `--cron-restart "${spec.cronRestart}": not a valid cron expression: ${cronIssue}.`);
  checkScript(spec);
  const existing = params.existing;
  if (existing !== undefined && existing !== 'restart' && existing !== 'reload') {
    throw new TsmError('E_USAGE', `start: existing must be restart or reload, got ${JSON.stringify(existing)}.`);
  }
  const current = state.registry.byName(spec.name);
  if (existing && current.length === spec.instances && current[0]?.spec.execMode === spec.execMode) {
    const changed = await onApps(state, [spec.name], existing, (entries, signal) => applySpec(state, entries, spec, existing, signal));
    return changeResult(state, changed);
  }
  // A new app, or one whose shape changed (instances, mode): replaced, keeping its ids. Nothing
  // above waits, so starts sent together (an ecosystem file's apps) take their turns, and a new
  // app its ids, in the order they arrived: the file's order.
  const force = params.force === true || existing !== undefined;
  const entries = await state.owners.of(spec.name).submit('create', (signal) => createApp(state, spec, force, signal));
  return changeResult(state, entries);
}

/** New settings for a running app: every process restarted, or its workers reloaded in turn. */
async function applySpec(state: DaemonState, entries: ProcEntry[], spec: AppSpec, how: 'restart' | 'reload', signal: AbortSignal) {
  setAppSpec(state, spec.name, spec);
  const reason = { kind: how, cause: `tsm ${how} with new settings` };
  if (how === 'restart') {
    await restartAll(state, entries, signal, reason);
    return;
  }
  const failure = reloadFailure(state, await reloadEntries(state, entries, signal, reason));
  if (failure) throw new TsmError('E_RELOAD_FAILED', failure);
}

/** Synchronous (two stats of local paths), so that the start keeps its place in line: see above. */
function checkScript(spec: AppSpec): void {
  const info = statSafe(spec.script);
  if (!info) {
    throw new TsmError(
      'E_SCRIPT',
      `script not found: ${spec.script}. Give the path to a file, or the name or id of an app (tsm list).`,
    );
  }
  if (info.isDirectory()) {
    throw new TsmError('E_SCRIPT', `${spec.script} is a directory; give the script to run, such as ${spec.script}/index.js.`);
  }
  const cwd = statSafe(spec.cwd);
  if (!cwd?.isDirectory()) {
    throw new TsmError('E_USAGE', `--cwd ${spec.cwd}: not a directory.`);
  }
}

function statSafe(path: string): ReturnType<typeof statSync> | null {
  try {
    return statSync(path);
  } catch {
    return null;
  }
}
