import { TsmError } from '../../core/errors.js';
import { savedDesired } from '../../core/saved-state.js';
import type { Result } from '../../protocol/methods.js';
import { AppStore } from '../persist.js';
import type { ProcEntry } from '../registry.js';
import type { DaemonState } from '../state.js';
import { launchOrUndo } from '../owner/operations.js';
import { changeResult } from './common.js';

/** `tsm save`: the app list as it is now, with what should run, in the dump file. */
export async function handleSave(state: DaemonState): Promise<Result<'save'>> {
  const entries = state.registry.all();
  await new AppStore(state.paths.dumpFile).save(entries, true);
  const apps = new Set(entries.map((entry) => entry.spec.name)).size;
  state.logger.info(`saved ${apps} app(s) to ${state.paths.dumpFile}`);
  return { apps, file: state.paths.dumpFile };
}

/**
 * `tsm resurrect`: every app of the dump that is not in the list already is added again, started
 * if it was running when saved. Saved ids are kept where they are free.
 */
export async function handleResurrect(state: DaemonState): Promise<Result<'resurrect'>> {
  const { state: saved, problems } = await new AppStore(state.paths.dumpFile).load();
  for (const problem of problems) state.logger.warn(problem);
  if (!saved && problems.length > 0) {
    // The dump was set aside (or could not be): nothing is started, the sentences say where it went.
    throw new TsmError('E_SAVED_INVALID', problems.join(' '));
  }
  if (!saved) {
    throw new TsmError('E_NOT_FOUND', `nothing to resurrect: ${state.paths.dumpFile} does not exist. Run 'tsm save' while your apps run.`);
  }
  const taken = new Set(state.registry.all().map((entry) => entry.id));
  const present = new Set(state.registry.all().map((entry) => entry.spec.name));
  const apps = saved.apps.filter((app) => !present.has(app.spec.name));
  // Saved ids still free are reserved first, for every app, so an id allocated for a taken one
  // can never be one that a later app was saved with.
  for (const id of apps.flatMap((app) => app.ids)) if (!taken.has(id)) state.registry.reserveId(id);
  const added: ProcEntry[] = [];
  for (const app of apps) {
    const ids = app.ids.map((id) => (taken.has(id) ? state.registry.allocateId() : id));
    for (const id of ids) taken.add(id);
    const entries = await state.owners.of(app.spec.name).submit('create', async (signal) => {
      // An app of that name may have come while this one waited for its turn: it stays.
      if (state.registry.byName(app.spec.name).length > 0) return [];
      const created = state.supervisor.createEntries(app.spec, ids);
      for (const entry of created) entry.desired = savedDesired(app, entry.id);
      const wanted = created.filter((entry) => entry.desired === 'running');
      if (wanted.length > 0) await launchOrUndo(state, wanted, signal);
      return created;
    });
    added.push(...entries);
  }
  state.logger.info(`resurrected ${added.length} process(es) from ${state.paths.dumpFile}`);
  return changeResult(state, added);
}
