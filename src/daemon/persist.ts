import { readFile, rename, writeFile } from 'node:fs/promises';
import type { AppSpec } from '../core/app-spec.js';
import type { ProcEntry } from './registry.js';

/** One app as saved: its spec, the ids of its processes, and whether it should run. */
export interface SavedApp {
  spec: AppSpec;
  ids: number[];
  desired: 'running' | 'stopped';
  /** Pids at the time of saving, so a daemon restored after a crash can stop orphans. */
  pids?: number[];
}

export interface SavedState {
  version: 1;
  /** False while a daemon runs: a daemon that finds false after a crash restores the apps. */
  cleanShutdown: boolean;
  apps: SavedApp[];
}

/**
 * The app list on disk, written atomically (temporary file, then rename) after every change, so
 * that a daemon that died can be replaced by one that knows what should run. Writes are chained
 * so two changes in quick succession land in order.
 */
export class AppStore {
  private chain: Promise<void> = Promise.resolve();

  constructor(private readonly file: string) {}

  async load(): Promise<SavedState | null> {
    let text: string;
    try {
      text = await readFile(this.file, 'utf8');
    } catch {
      return null;
    }
    try {
      const state = JSON.parse(text) as SavedState;
      return state.version === 1 && Array.isArray(state.apps) ? state : null;
    } catch {
      return null; // a torn file cannot happen with rename; a hand-edited one is ignored, not fatal
    }
  }

  save(entries: readonly ProcEntry[], cleanShutdown: boolean): Promise<void> {
    const state: SavedState = { version: 1, cleanShutdown, apps: groupApps(entries) };
    const write = async (): Promise<void> => {
      const temp = `${this.file}.${process.pid}.tmp`;
      await writeFile(temp, `${JSON.stringify(state, null, 2)}\n`, { mode: 0o600 });
      await rename(temp, this.file);
    };
    this.chain = this.chain.then(write, write);
    return this.chain;
  }
}

function groupApps(entries: readonly ProcEntry[]): SavedApp[] {
  const apps = new Map<AppSpec, SavedApp>();
  for (const entry of [...entries].sort((a, b) => a.instance - b.instance)) {
    const app = apps.get(entry.spec) ?? { spec: entry.spec, ids: [], desired: entry.desired, pids: [] };
    app.ids.push(entry.id);
    if (entry.proc?.pid !== undefined) app.pids?.push(entry.proc.pid);
    if (entry.desired === 'running') app.desired = 'running';
    apps.set(entry.spec, app);
  }
  return [...apps.values()];
}
