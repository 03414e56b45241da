import { open } from 'node:fs/promises';
import { TsmError } from '../core/errors.js';
import {
  parseSavedState,
  SAVED_STATE_LIMITS,
  SAVED_STATE_VERSION,
  serializeSavedState,
  type SavedState,
} from '../core/saved-state.js';
import { writeFileAtomic } from './persist/atomic-write.js';
import { CoalescedWrites } from './persist/coalesced-writes.js';
import { groupApps } from './persist/group-apps.js';
import { setAside } from './persist/set-aside.js';
import type { ProcEntry } from './registry.js';

export type { SavedApp, SavedState } from '../core/saved-state.js';

export interface LoadResult {
  /** The saved list with the apps that passed its checks; null when there is no usable file. */
  state: SavedState | null;
  /** One full sentence per thing a person should know (file set aside, app left out), naming the file. */
  problems: string[];
  /** Where the file, or a copy of it, was put aside; null when it was used as it is. */
  setAside: string | null;
}

/** Returned by `hold()`. */
export interface StoreHold {
  /** Ends this hold; the last one to end writes the last save asked for, resolving once it is on disk. */
  release(): Promise<void>;
}

interface Deferred {
  content: () => string;
  done: Promise<void>;
  settle(write: Promise<void>): void;
}

/**
 * The app list on disk (apps.json, rewritten after every change, so that a daemon that died can
 * be replaced by one that knows what should run; or dump.json, for `tsm save`).
 *
 * The store writes only when asked: `load()` reads (and moves a file it cannot use out of the way,
 * so it is never overwritten), `save()` writes atomically (see writeFileAtomic). Saves asked for
 * while a write runs are carried by one next write (see CoalescedWrites): they land in order, and
 * each resolves once a write begun after it is on disk. `hold()` defers writes, for a restore
 * that must not replace the saved list with a half-restored one.
 */
export class AppStore {
  private readonly writes = new CoalescedWrites((text) => this.write(text));
  private holds = 0;
  private deferred: Deferred | null = null;

  constructor(
    readonly file: string,
    private readonly now: () => Date = () => new Date(),
  ) {}

  async load(): Promise<LoadResult> {
    let bytes: Buffer;
    try {
      bytes = await readBounded(this.file);
    } catch (error) {
      if (isCode(error, 'ENOENT')) return { state: null, problems: [], setAside: null };
      return this.unusable(`it could not be read (${messageOf(error)})`);
    }
    if (bytes.length > SAVED_STATE_LIMITS.maxBytes) {
      return this.unusable(`it is larger than the ${SAVED_STATE_LIMITS.maxBytes} bytes tsm reads`);
    }
    const parsed = parseSavedState(bytes.toString('utf8'));
    if (!parsed.ok) return this.unusable(parsed.reason);
    if (parsed.dropped.length === 0) return { state: parsed.state, problems: [], setAside: null };
    // The next save writes the apps that passed: keep the file as it was for whoever repairs it.
    const problems = parsed.dropped.map((phrase) => `In ${this.file}, ${phrase}`);
    try {
      const copy = await setAside(this.file, 'copy', this.now());
      problems.push(`The file as it was is kept as ${copy}.`);
      return { state: parsed.state, problems, setAside: copy };
    } catch (error) {
      problems.push(`A copy of ${this.file} as it was could not be kept: ${messageOf(error)}.`);
      return { state: parsed.state, problems, setAside: null };
    }
  }

  /**
   * Writes the list of `entries` (grouped into apps); resolves once it is on disk. The entries are
   * read when the write begins: a save overtaken by a later one before then is never serialized.
   */
  save(entries: readonly ProcEntry[], cleanShutdown: boolean): Promise<void> {
    const content = (): string => serializeSavedState({ version: SAVED_STATE_VERSION, cleanShutdown, apps: groupApps(entries) });
    if (this.holds > 0) return this.defer(content);
    return this.writes.request(content);
  }

  /**
   * Until every hold is released, saves are not written; the release writes the last one asked
   * for (if any), and the saves made meanwhile resolve when it is on disk. For a restore after a
   * crash: the file read stays the truth on disk until the whole list is back.
   */
  hold(): StoreHold {
    this.holds += 1;
    let released = false;
    return {
      release: () => {
        if (released) return Promise.resolve();
        released = true;
        this.holds -= 1;
        const deferred = this.deferred;
        // Another hold still stands: the last release is the one that writes.
        if (this.holds > 0 || deferred === null) return Promise.resolve();
        this.deferred = null;
        const write = this.writes.request(deferred.content);
        deferred.settle(write);
        return write;
      },
    };
  }

  private write(text: string): Promise<void> {
    const bytes = Buffer.byteLength(text);
    if (bytes > SAVED_STATE_LIMITS.maxBytes) {
      // A file that load() would refuse must not replace one it accepts.
      return Promise.reject(
        new TsmError(
          'E_SAVE',
          `could not write ${this.file}: the app list is ${bytes} bytes, more than the ${SAVED_STATE_LIMITS.maxBytes} tsm reads back; the previous file is unchanged.`,
        ),
      );
    }
    return writeFileAtomic(this.file, text);
  }

  private defer(content: () => string): Promise<void> {
    if (this.deferred) {
      this.deferred.content = content;
      return this.deferred.done;
    }
    let settle: (write: Promise<void>) => void = () => {};
    const done = new Promise<void>((resolve, reject) => {
      settle = (write) => write.then(resolve, reject);
    });
    // Saves are often not awaited (a spawn saves in passing); a failed write also rejects
    // release(), where the holder sees it, so it must not count as unhandled here as well.
    done.catch(() => {});
    this.deferred = { content, done, settle };
    return done;
  }

  private async unusable(reason: string): Promise<LoadResult> {
    try {
      const aside = await setAside(this.file, 'move', this.now());
      const problem =
        `${this.file} could not be used as a saved app list: ${reason}. ` +
        `None of its apps were loaded; it was moved to ${aside}, so nothing overwrites it.`;
      return { state: null, problems: [problem], setAside: aside };
    } catch (error) {
      const problem =
        `${this.file} could not be used as a saved app list: ${reason}. None of its apps were loaded, ` +
        `and it could not be moved aside (${messageOf(error)}): move or repair it before the next save replaces it.`;
      return { state: null, problems: [problem], setAside: null };
    }
  }
}

/** Reads at most the size limit plus one byte (to know it was exceeded): a huge file is not loaded whole. */
async function readBounded(file: string): Promise<Buffer> {
  const handle = await open(file, 'r');
  try {
    const limit = SAVED_STATE_LIMITS.maxBytes + 1;
    const buffer = Buffer.alloc(Math.min(limit, (await handle.stat()).size + 1));
    let length = 0;
    while (length < buffer.length) {
      const { bytesRead } = await handle.read(buffer, length, buffer.length - length, length);
      if (bytesRead === 0) break;
      length += bytesRead;
    }
    return buffer.subarray(0, length);
  } finally {
    await handle.close();
  }
}

function isCode(error: unknown, code: string): boolean {
  return error instanceof Error && 'code' in error && error.code === code;
}

function messageOf(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
