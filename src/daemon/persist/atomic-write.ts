import { closeSync, fsync, openSync, renameSync, unlinkSync, writeSync } from 'node:fs';
import { basename, dirname, join } from 'node:path';
import { promisify } from 'node:util';
import { TsmError } from '../../core/errors.js';

const fsyncAsync = promisify(fsync);

/**
 * Replaces `file` with `text` so that a reader, a crash or a power cut sees either the old file
 * or the new one, never a mix or an empty file:
 * - the bytes go to a temporary file of this writer alone, in the same directory (rename is only
 *   atomic within one file system), created exclusively so two writers never share one;
 * - that file is fsync'd before the rename, else the rename can reach the disk before the data
 *   and a power cut leaves an empty file under the real name (ext4, xfs with delayed allocation);
 * - the directory is fsync'd after, so the rename itself is on disk when this resolves.
 * On failure the temporary file is removed, `file` is untouched, and the error (E_SAVE) names
 * the file and the cause (ENOSPC, EACCES...).
 *
 * Only the two fsyncs wait for the disk, in the thread pool; the other steps (open, write to the
 * page cache, close, rename) are synchronous. Awaited one by one they were eight trips through
 * the pool per save, and while 50 apps boot on 2 cores each trip waits for the daemon to get a
 * core back: the commands waiting for that save waited for all eight.
 */
export async function writeFileAtomic(file: string, text: string): Promise<void> {
  // Unique enough with the pid: the file is created exclusively ('wx'), so a clash fails rather
  // than shares. Not node:crypto, whose OpenSSL start-up would cost the daemon ~2 MB resident.
  const temp = join(dirname(file), `.${basename(file)}.${process.pid}-${Math.random().toString(16).slice(2, 14)}.tmp`);
  try {
    const fd = openSync(temp, 'wx', 0o600);
    try {
      writeAll(fd, Buffer.from(text, 'utf8'));
      await fsyncAsync(fd);
    } finally {
      closeSync(fd);
    }
    renameSync(temp, file);
  } catch (error) {
    try {
      unlinkSync(temp);
    } catch {
      // ENOENT when open itself failed: nothing to remove
    }
    throw new TsmError('E_SAVE', `could not write ${file}: ${causeOf(error)}; the previous ${basename(file)} is unchanged.`, {
      cause: error,
    });
  }
  try {
    await syncDirectory(dirname(file));
  } catch (error) {
    throw new TsmError('E_SAVE', `wrote ${file}, but could not flush its directory to disk: ${causeOf(error)}.`, { cause: error });
  }
}

/**
 * Codes with which a platform says "directories cannot be fsync'd here" (Windows: EISDIR or
 * EPERM on open; some file systems: EINVAL or ENOTSUP on fsync). There the rename is as durable
 * as the platform makes it, and nothing better can be done.
 */
const NO_DIRECTORY_SYNC = new Set(['EISDIR', 'EINVAL', 'ENOTSUP', 'EPERM', 'EBADF']);

/** A write to a regular file is whole unless the disk fills mid-way; the next write then says ENOSPC. */
function writeAll(fd: number, bytes: Buffer): void {
  for (let at = 0; at < bytes.length; ) at += writeSync(fd, bytes, at, bytes.length - at);
}

async function syncDirectory(dir: string): Promise<void> {
  try {
    const fd = openSync(dir, 'r');
    try {
      await fsyncAsync(fd);
    } finally {
      closeSync(fd);
    }
  } catch (error) {
    if (!NO_DIRECTORY_SYNC.has(codeOf(error))) throw error;
  }
}

function codeOf(error: unknown): string {
  return error instanceof Error && 'code' in error && typeof error.code === 'string' ? error.code : '';
}

/** `no space left on device (ENOSPC)`: the words for a person, the code for a search. */
function causeOf(error: unknown): string {
  const code = codeOf(error);
  const message = error instanceof Error ? error.message : String(error);
  // Node's messages read `ENOSPC: no space left on device, write`: keep the words, name the code.
  const words = code === '' ? message : message.replace(new RegExp(`^${code}: `), '').replace(/, \w+( '.*)?$/, '');
  return code === '' ? words : `${words} (${code})`;
}
