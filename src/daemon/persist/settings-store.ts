import { defaultSettings, type Settings } from '../../core/settings.js';
import { loadSettings, saveSettings } from './settings-file.js';

/**
 * The daemon's one copy of `settings.json`, shared by everything that keeps a setting there (the
 * metrics endpoint, the cluster scheduling policy), so that a change to one setting never writes
 * back a stale copy of another. Read once at daemon start; each change is written (atomically)
 * before it becomes the current value, one change at a time.
 */
export class SettingsStore {
  private settings: Settings = defaultSettings();
  private queue: Promise<unknown> = Promise.resolve();

  constructor(readonly file: string) {}

  /** At daemon start, before anything reads a setting. Returns a sentence for the log, or null. */
  async load(): Promise<string | null> {
    const { settings, problem } = await loadSettings(this.file);
    this.settings = settings;
    return problem;
  }

  get current(): Settings {
    return this.settings;
  }

  /** Writes `change(current)`; on a failed write the current value stays and the error is thrown. */
  update(change: (current: Settings) => Settings): Promise<Settings> {
    const result = this.queue.then(async () => {
      const next = change(this.settings);
      await saveSettings(this.file, next);
      this.settings = next;
      return next;
    });
    this.queue = result.catch(() => {});
    return result;
  }
}
