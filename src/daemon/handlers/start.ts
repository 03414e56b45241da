import { stat } from 'node:fs/promises';
import { buildAppSpec, type AppSpec } from '../../core/app-spec.js';
import { TsmError } from '../../core/errors.js';
import type { ChangeResult, StartParams } from '../../protocol/methods.js';
import type { DaemonState } from '../state.js';
import { changeResult, isRunning, restartTogether } from './common.js';

export async function handleStart(state: DaemonState, params: StartParams): Promise<ChangeResult> {
  if (params?.kind === 'targets') return startTargets(state, params.targets);
  if (params?.kind !== 'script') throw new TsmError('E_USAGE', 'start: expected a script or the name of an app.');
  const spec = buildAppSpec(params.input, state.cpus);
  await checkScript(spec);
  const existing = state.registry.byName(spec.name);
  const running = existing.filter(isRunning);
  if (running.length > 0 && !params.force) {
    throw new TsmError(
      'E_ALREADY_RUNNING',
      `app '${spec.name}' is already running (id ${running.map((e) => e.id).join(', ')}). ` +
        `Use 'tsm restart ${spec.name}' to restart it, 'tsm start -f' to replace it, or --name to start another.`,
    );
  }
  // Replacing an app keeps its ids, which users and their scripts know it by.
  const ids = existing.map((entry) => entry.id);
  await Promise.all(existing.map((entry) => state.supervisor.remove(entry)));
  const entries = await state.supervisor.startApp(spec, ids);
  const failed = entries.filter((entry) => entry.status === 'errored' && entry.lastExit?.error);
  if (failed.length === entries.length) {
    // Nothing ran: an interpreter that does not exist is bad input, and bad input changes nothing.
    await Promise.all(entries.map((entry) => state.supervisor.remove(entry)));
    await state.save();
    throw new TsmError('E_SPAWN', `could not start ${spec.name}: ${failed[0]?.lastExit?.error ?? 'unknown error'}.`);
  }
  await state.save();
  return changeResult(state, entries);
}

async function startTargets(state: DaemonState, targets: string[]): Promise<ChangeResult> {
  const entries = state.registry.resolve(targets);
  // Smart start: what runs is restarted, what is stopped is started.
  await restartTogether(state, entries.filter(isRunning));
  await Promise.all(entries.filter((entry) => !isRunning(entry)).map((entry) => state.supervisor.start(entry)));
  await state.save();
  return changeResult(state, entries);
}

async function checkScript(spec: AppSpec): Promise<void> {
  const info = await stat(spec.script).catch(() => null);
  if (!info) {
    throw new TsmError(
      'E_SCRIPT',
      `script not found: ${spec.script}. Give the path to a file, or the name or id of an app (tsm list).`,
    );
  }
  if (info.isDirectory()) {
    throw new TsmError('E_SCRIPT', `${spec.script} is a directory; give the script to run, such as ${spec.script}/index.js.`);
  }
  const cwd = await stat(spec.cwd).catch(() => null);
  if (!cwd?.isDirectory()) {
    throw new TsmError('E_USAGE', `--cwd ${spec.cwd}: not a directory.`);
  }
}
