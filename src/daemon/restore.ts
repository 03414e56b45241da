import { setTimeout as delay } from 'node:timers/promises';
import type { SavedApp, SavedState } from './persist.js';
import { commandLineOf, isAlive, signalAll } from './process/kill-tree.js';
import type { DaemonState } from './state.js';

/**
 * After a daemon crash: fork-mode apps outlive their daemon (their own process group), and would
 * hold their ports against the replacements. Those still running the saved script are stopped,
 * then every app that should run is started again under its old ids.
 */
export async function restoreAfterCrash(state: DaemonState, saved: SavedState): Promise<void> {
  state.logger.warn(`the previous daemon did not shut down cleanly; restoring ${saved.apps.length} app(s)`);
  await Promise.all(saved.apps.map((app) => stopOrphans(app)));
  for (const app of saved.apps) {
    for (const id of app.ids) state.registry.reserveId(id);
    if (app.desired === 'running') {
      await state.supervisor.startApp(app.spec, app.ids);
    } else {
      state.supervisor.addStopped(app.spec, app.ids);
    }
  }
}

async function stopOrphans(app: SavedApp): Promise<void> {
  const orphans = (app.pids ?? []).filter((pid) => isAlive(pid) && commandLineOf(pid).includes(app.spec.script));
  if (orphans.length === 0) return;
  signalAll(orphans.map((pid) => -pid), app.spec.killSignal);
  const deadline = Date.now() + app.spec.killTimeout;
  while (orphans.some(isAlive) && Date.now() < deadline) await delay(50);
  signalAll(orphans.filter(isAlive).map((pid) => -pid), 'SIGKILL');
}
