import type { AppSpec } from '../../core/app-spec.js';
import { TsmError } from '../../core/errors.js';
import type { ChangeResult, Params } from '../../protocol/methods.js';
import { reloadEntries, reloadFailure, setAppSpec } from '../owner/operations.js';
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
    const spec: AppSpec = params.env ? { ...first.spec, env: { ...first.spec.env, ...params.env } } : first.spec;
    if (spec !== first.spec) setAppSpec(state, spec.name, spec);
    const failure = await state.counters.timeReload(spec.name, async () => {
      const outcome = await reloadEntries(state, entries, signal, { kind: 'reload', cause: 'tsm reload' }, {
        parallel,
        onProgress: (progress) => ctx.emit('reload-progress', progress),
      });
      return reloadFailure(state, outcome);
    });
    if (failure) failures.push(failure);
    else state.logger.info(`reloaded ${spec.name}: ${entries.length} process(es) replaced`);
  });
  const result = await changeResult(state, changed);
  if (failures.length > 0) throw new TsmError('E_RELOAD_FAILED', failures.join('\n'));
  return result;
}
