import { EventEmitter } from 'node:events';
import { createWriteStream } from 'node:fs';
import { basename, dirname } from 'node:path';
import { Writable } from 'node:stream';
import { finished } from 'node:stream/promises';
import type { createStream as CreateStream } from 'rotating-file-stream';
import { DEFAULT_LOG_MODE } from '../../core/home-safety.js';
import type { RotationSpec } from '../../core/log-spec.js';
import { createLogFileSync, logOpenError, openLogFileSync, truncateLog } from './open-log.js';

/** Lines are gathered up to this size (or the end of the event-loop turn) into one write. */
const BATCH_CHARS = 64 * 1024;

/**
 * One log file, append-only, rotated by rotating-file-stream when its spec asks (this file is the
 * library's only user). Lines written in one event-loop turn are joined into one write: a write
 * per line costs rotating-file-stream ~20x more (3.2 s against 0.15 s for 100,000 lines).
 * Rotation happens between writes and a write holds whole lines, so a line is never split across
 * files. The stream underneath can be replaced (reopen after an external logrotate, flush) while
 * writers keep this object; 'drain' is re-emitted either way.
 *
 * Replacing the stream takes several turns (the old one finishes its lines, the file is cut, the
 * new one opens), and `tsm flush` from two shells, a logrotate and a process exit can ask at
 * once. So replacements run one at a time, in order, and a flush asked for while another waits
 * its turn joins that one: two overlapping flushes used to open two streams and leak one.
 */
export class LogFile extends EventEmitter<{ drain: []; error: [Error] }> {
  private stream: Writable;
  private broken: Error | null = null;
  private pending = '';
  private scheduled = false;
  /** While the stream is replaced, lines wait in `pending` instead of reaching the ended stream. */
  private swapping = false;
  private closed = false;
  /** The last replacement asked for; the next one starts when it ends. */
  private swaps: Promise<void> = Promise.resolve();
  /** A flush waiting for its turn, which a later flush joins instead of queueing another. */
  private waitingFlush: Promise<void> | null = null;
  /** Batches stay well under the rotation size, so a rotated file overshoots it by little. */
  private readonly batchChars: number;

  constructor(
    readonly path: string,
    private readonly rotation: RotationSpec,
    private readonly mode = DEFAULT_LOG_MODE,
  ) {
    super();
    this.batchChars = rotation.maxSize > 0 ? Math.min(BATCH_CHARS, Math.max(256, Math.floor(rotation.maxSize / 8))) : BATCH_CHARS;
    this.stream = this.open();
  }

  /** False when the buffer is full: wait for 'drain' before writing more. */
  write(text: string): boolean {
    if (this.broken || this.closed) return true; // a failed file drops lines instead of stalling the app forever
    this.pending += text;
    if (this.pending.length >= this.batchChars) {
      this.writePending();
    } else if (!this.scheduled) {
      this.scheduled = true;
      setImmediate(() => this.writePending());
    }
    return !this.stream.writableNeedDrain;
  }

  private writePending(): void {
    this.scheduled = false;
    if (this.pending === '' || this.swapping) return;
    const text = this.pending;
    this.pending = '';
    if (!this.broken) this.stream.write(text);
  }

  /** True while the buffer is over its mark, until the next 'drain'. */
  get full(): boolean {
    return !this.broken && this.stream.writableNeedDrain;
  }

  /** Opens the path again (after an external logrotate moved the file): lines go on in the new file. */
  reopen(): Promise<void> {
    return this.serially(() => this.replaceStream(false));
  }

  /** Empties the file, keeping rotated ones: buffered lines are written, then cut with the rest. */
  flush(): Promise<void> {
    if (this.waitingFlush) return this.waitingFlush;
    const flush = this.serially(async () => {
      // From here on a new flush queues behind this one: lines may arrive while this one runs.
      this.waitingFlush = null;
      await this.replaceStream(true);
    });
    this.waitingFlush = flush;
    return flush;
  }

  /** Writes what is buffered and closes the file; nothing is opened again after this. */
  close(): Promise<void> {
    return this.serially(async () => {
      this.writePending();
      this.closed = true;
      await endStream(this.stream);
    });
  }

  private serially(step: () => Promise<void>): Promise<void> {
    const next = this.swaps.then(step);
    this.swaps = next.catch(() => {});
    return next;
  }

  private async replaceStream(truncate: boolean): Promise<void> {
    if (this.closed) {
      // The process is gone and its file closed: a flush still empties it, by path.
      if (truncate) await truncateLog(this.path);
      return;
    }
    this.writePending();
    this.swapping = true;
    try {
      await endStream(this.stream);
      if (truncate) await truncateLog(this.path);
      this.broken = null;
      this.stream = this.open();
    } finally {
      this.swapping = false;
    }
    this.writePending(); // what arrived during the swap goes to the new file
    this.emit('drain');
  }

  private open(): Writable {
    const { maxSize, retain, compress, interval } = this.rotation;
    const rotating = maxSize > 0 || Boolean(interval);
    let stream: Writable;
    try {
      if (rotating) {
        createLogFileSync(this.path, this.mode);
        // Loaded with the first rotated file: the library and node:zlib under it (0.6 MB of RSS)
        // are nothing a daemon without apps, or without rotation, needs.
        const { createStream } = require('rotating-file-stream') as { createStream: typeof CreateStream };
        stream = createStream(rotatedName(basename(this.path), compress), {
          path: dirname(this.path),
          rotate: Math.max(1, retain),
          compress: compress ? 'gzip' : false,
          mode: this.mode,
          ...(maxSize > 0 ? { size: `${maxSize}B` } : {}),
          ...(interval ? { interval } : {}),
        });
        // After a rotation the library opens the path itself, following links: the regular file
        // is made first, and a link planted there in the meantime stops this file (see
        // createLogFileSync for the moment that remains).
        stream.on('rotated', () => {
          try {
            createLogFileSync(this.path, this.mode);
          } catch (error) {
            stream.destroy(logOpenError(this.path, error));
          }
        });
      } else {
        stream = createWriteStream(this.path, { fd: openLogFileSync(this.path, this.mode) });
      }
    } catch (error) {
      // Checked before the spawn (prepareLogFiles), so this is a file changed since: the error
      // is reported once the caller listens, and lines are dropped until a reopen.
      const failure = logOpenError(this.path, error);
      stream = new Writable({ construct: (callback) => callback(failure) });
    }
    stream.on('drain', () => this.emit('drain'));
    stream.on('error', (error: Error) => {
      // A full disk or a removed folder must not take the daemon down, nor block the app.
      this.broken = error;
      this.emit('error', error);
      this.emit('drain');
    });
    return stream;
  }
}

/** Ends a stream and waits until its file is closed; a stream that failed is simply done. */
async function endStream(stream: Writable): Promise<void> {
  stream.end();
  await finished(stream).catch(() => {});
}

/**
 * Classical logrotate names: app.log, then app.log.1, app.log.2... (.gz when compressed). In
 * classical mode rotating-file-stream calls the generator with the index alone (null: the file
 * being written), not with (time, index) as its types say.
 */
function rotatedName(base: string, compress: boolean) {
  return (index: number | Date | null): string =>
    typeof index === 'number' && index > 0 ? `${base}.${index}${compress ? '.gz' : ''}` : base;
}
