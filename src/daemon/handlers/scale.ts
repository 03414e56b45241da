import { TsmError } from '../../core/errors.js';
import { MAX_INSTANCES } from '../../core/parse.js';
import type { ChangeResult, Params } from '../../protocol/methods.js';
import { scaleApp } from '../owner/operations.js';
import type { DaemonState } from '../state.js';
import { changeResult } from './common.js';

/** `tsm scale web 4`, `+2`, `-1`: the count is read against the app as it is when its turn comes. */
export async function handleScale(state: DaemonState, params: Params<'scale'>): Promise<ChangeResult> {
  const name = params?.name;
  const count = String(params?.count ?? '');
  const match = /^([+-]?)(\d{1,7})$/.exec(count.trim());
  if (typeof name !== 'string' || !match) {
    throw new TsmError('E_USAGE', `scale: expected an app name and a count such as 4, +2 or -1; got ${JSON.stringify(count)}.`);
  }
  if (state.registry.byName(name).length === 0) state.registry.resolve([name]); // E_NOT_FOUND naming the known apps
  const [, sign, digits] = match;
  const changed = await state.owners.of(name).submit('scale', (signal) => {
    const current = state.registry.byName(name).length;
    const n = Number(digits);
    const target = sign === '+' ? current + n : sign === '-' ? current - n : n;
    if (target < 1 || target > MAX_INSTANCES) {
      throw new TsmError(
        'E_USAGE',
        `scale ${name} ${count}: ${name} would have ${target} instances; expected 1 to ${MAX_INSTANCES}. To stop it, use tsm stop ${name}.`,
      );
    }
    if (target === current) return Promise.resolve([]);
    return scaleApp(state, name, target, signal);
  });
  state.logger.info(`scaled ${name} to ${state.registry.byName(name).length} instance(s)`);
  return changeResult(state, changed);
}
