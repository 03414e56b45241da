import type { MethodName, Params, Result } from '../../protocol/methods.js';
import { toInfo } from '../registry.js';
import type { DaemonState } from '../state.js';
import { deleteAll, restartAll, setAppSpec, stopAll } from '../owner/operations.js';
import { changeResult, onApps } from './common.js';
import type { RequestContext } from './context.js';
import { daemonInfo } from './daemon-info.js';
import { handleFlush } from './flush.js';
import { handleEnv, handleReset, handleSignal } from './process-tools.js';
import { handleMetrics } from './metrics.js';
import { handleReload } from './reload.js';
import { handleScheduling } from './scheduling.js';
import { handleScale } from './scale.js';
import { handleResurrect, handleSave } from './save.js';
import { handleStart } from './start.js';
import { handleSubscribe } from './subscribe.js';

export type Handler<M extends MethodName> = (
  state: DaemonState,
  params: Params<M>,
  ctx: RequestContext,
) => Promise<Result<M>>;

/** One handler per protocol method; the mapped type makes a missing or mistyped one a compile error. */
export type HandlerTable = { [M in MethodName]: Handler<M> };

export const handlers: HandlerTable = {
  async ping(state) {
    return daemonInfo(state);
  },

  async list(state) {
    return state.registry.all().map((entry) => toInfo(entry));
  },

  async describe(state, params) {
    return state.registry.resolve(params?.targets).map((entry) => toInfo(entry, true));
  },

  start: handleStart,

  async stop(state, params) {
    const changed = await onApps(state, params?.targets, 'stop', (entries) => stopAll(state, entries));
    return changeResult(state, changed);
  },

  async restart(state, params) {
    const changed = await onApps(state, params?.targets, 'restart', async (entries, signal) => {
      const first = entries[0];
      if (first && (params.env || (params.watch && first.spec.watch === false))) {
        setAppSpec(state, first.spec.name, {
          ...first.spec,
          ...(params.env ? { env: { ...first.spec.env, ...params.env } } : {}),
          ...(params.watch && first.spec.watch === false ? { watch: [first.spec.cwd] } : {}),
        });
      }
      await restartAll(state, entries, signal, { kind: 'restart', cause: 'tsm restart' });
    });
    return changeResult(state, changed);
  },

  reload: handleReload,

  scale: handleScale,

  signal: handleSignal,

  reset: handleReset,

  env: handleEnv,

  subscribe: handleSubscribe,

  save: handleSave,

  resurrect: handleResurrect,

  flush: handleFlush,

  metrics: handleMetrics,

  scheduling: handleScheduling,

  async reloadLogs(state) {
    const reopened = state.reopenLogs();
    state.logger.info(`reopened ${reopened} log file(s)`);
    return { reopened };
  },

  async delete(state, params) {
    const changed = await onApps(state, params?.targets, 'delete', (entries) => deleteAll(state, entries));
    return changeResult(state, changed);
  },

  async kill(state) {
    try {
      return await state.stopAllForShutdown();
    } finally {
      // Whatever failed on the way (a save on a full disk), the daemon still exits.
      state.requestShutdown();
    }
  },
};
