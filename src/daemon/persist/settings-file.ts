import { readFile } from 'node:fs/promises';
import { defaultSettings, parseSettings, serializeSettings, type Settings } from '../../core/settings.js';
import { writeFileAtomic } from './atomic-write.js';
import { setAside } from './set-aside.js';

/** A settings file is a few hundred bytes; anything much larger is not one. */
const MAX_SETTINGS_BYTES = 64 * 1024;

export interface LoadedSettings {
  settings: Settings;
  /** A sentence for the daemon's log when the file could not be used (and was set aside). */
  problem: string | null;
}

/**
 * `$TSM_HOME/settings.json`: read once when the daemon starts, written (atomically) by the
 * command that changes a setting. A missing file means the defaults; a file that cannot be used
 * is set aside as `<file>.corrupt-<time>` and the defaults apply, as for the app lists.
 */
export async function loadSettings(file: string, now: Date = new Date()): Promise<LoadedSettings> {
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return { settings: defaultSettings(), problem: null };
    return { settings: defaultSettings(), problem: `${file} could not be read (${(error as Error).message}); default settings apply` };
  }
  try {
    if (Buffer.byteLength(text) > MAX_SETTINGS_BYTES) throw new Error(`larger than ${MAX_SETTINGS_BYTES} bytes`);
    return { settings: parseSettings(JSON.parse(text) as unknown), problem: null };
  } catch (error) {
    const where = await setAside(file, 'move', now).then(
      (path) => `set aside as ${path}`,
      (moveError: unknown) => `could not be set aside: ${(moveError as Error).message}`,
    );
    return { settings: defaultSettings(), problem: `${file} is not usable (${(error as Error).message}); ${where}; default settings apply` };
  }
}

export async function saveSettings(file: string, settings: Settings): Promise<void> {
  await writeFileAtomic(file, serializeSettings(settings));
}
