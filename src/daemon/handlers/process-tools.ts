import { TsmError } from '../../core/errors.js';
import { parseSignal } from '../../core/parse.js';
import type { ChangeResult, Params, Result } from '../../protocol/methods.js';
import type { DaemonState } from '../state.js';
import { changeResult } from './common.js';

/**
 * PM2's sendSignal: the signal goes to each running process of the targets (a fork app's whole
 * process group, as a stop would). What the app does with it is its own business: if it exits,
 * the restart policy judges the exit like any other.
 */
export async function handleSignal(state: DaemonState, params: Params<'signal'>): Promise<ChangeResult> {
  const signal = parseSignal('sendSignal', String(params?.signal ?? ''));
  const entries = state.registry.resolve(params?.targets).filter((entry) => entry.proc !== null);
  if (entries.length === 0) {
    throw new TsmError('E_NOT_FOUND', `no running process matches ${params.targets.join(', ')}: nothing to signal.`);
  }
  for (const entry of entries) entry.proc?.signal(signal);
  state.logger.info(`sent ${signal} to ${entries.map((e) => `${e.spec.name} (id ${e.id})`).join(', ')}`);
  return changeResult(state, entries);
}

/** PM2's reset: restart counters back to 0 (they count towards nothing but what users read). */
export async function handleReset(state: DaemonState, params: Params<'reset'>): Promise<ChangeResult> {
  const entries = state.registry.resolve(params?.targets);
  for (const entry of entries) {
    entry.restarts = 0;
    entry.unstableRestarts = 0;
  }
  return changeResult(state, entries);
}

/** The environment each process got at its last start: the app's, and what tsm adds. */
export async function handleEnv(state: DaemonState, params: Params<'env'>): Promise<Result<'env'>> {
  return state.registry.resolve(params?.targets).map((entry) => ({ id: entry.id, name: entry.spec.name, env: entry.env }));
}
