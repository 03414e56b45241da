import { closeSync, constants, fstatSync, mkdirSync, openSync } from 'node:fs';
import { open } from 'node:fs/promises';
import { dirname } from 'node:path';
import { TsmError } from '../../core/errors.js';
import { DEFAULT_LOG_MODE } from '../../core/home-safety.js';
import type { LogFiles } from '../../core/log-spec.js';

/**
 * How every log file is opened: appended to, created with the log mode, and never through a
 * symbolic link. The daemon may run as root, and a link planted at a log path would otherwise
 * make it append to (or `flush` truncate) any file on the machine.
 */
export const APPEND_NO_FOLLOW = constants.O_WRONLY | constants.O_APPEND | constants.O_CREAT | constants.O_NOFOLLOW;

/**
 * O_NONBLOCK: opening a FIFO for writing would otherwise wait for a reader and hang the daemon
 * (it fails with ENXIO instead, and anything but a regular file is refused). It changes nothing
 * for a regular file.
 */
const OPEN_FLAGS = APPEND_NO_FOLLOW | constants.O_NONBLOCK;

/** Folders made for log files: private, or enterable by the group when the files are group-readable. */
export function folderModeFor(fileMode: number): number {
  return (fileMode & 0o040) !== 0 ? 0o750 : 0o700;
}

type Which = keyof LogFiles;
const LABEL: Record<Which, string> = { out: 'output log', err: 'error log', combined: 'combined log' };

/**
 * Creates the folders and opens and closes each file the way the daemon will write it, so a
 * process is spawned only once its logs are known to work. Throws E_LOG naming the file and why.
 *
 * Synchronous calls (mkdir, open, fstat, close: no disk wait, the same calls the file's writer
 * makes a moment later): as awaited calls they were eight trips through the thread pool before
 * every spawn, and while 50 apps boot on 2 cores each trip waits for the daemon to get a core
 * back, so a start of many apps spent more time between those steps than in them.
 */
export async function prepareLogFiles(files: LogFiles, mode = DEFAULT_LOG_MODE): Promise<void> {
  for (const which of ['out', 'err', 'combined'] as const) {
    const path = files[which];
    if (path === null) continue;
    try {
      closeSync(openLogFileSync(path, mode));
    } catch (error) {
      throw logOpenError(path, error, LABEL[which]);
    }
  }
}

/**
 * The same check, synchronous, for a file rotating-file-stream is about to open itself by path
 * (with 'a', which follows links): the regular file is made first, and a link in its place is
 * refused. What remains: the library opens the path a moment later, and someone who can write
 * the folder could swap a link in between. The home and its logs/ are ours and 0700 (see
 * core/home-safety.ts), so nobody else can; a log path given outside the home is as safe as the
 * folder it is in.
 */
export function createLogFileSync(path: string, mode: number): void {
  closeSync(openLogFileSync(path, mode));
}

/** The descriptor of a log file opened for appending, checked as above; the caller closes it. */
export function openLogFileSync(path: string, mode: number): number {
  mkdirSync(dirname(path), { recursive: true, mode: folderModeFor(mode) });
  const fd = openSync(path, OPEN_FLAGS, mode);
  try {
    if (!fstatSync(fd).isFile()) throw Object.assign(new Error('not a regular file'), { code: 'ENOTFILE' });
    return fd;
  } catch (error) {
    closeSync(fd);
    throw error;
  }
}

/**
 * Empties a file without following a link and without creating it: opened O_WRONLY|O_NOFOLLOW,
 * then cut through the descriptor (truncate(path) would follow a link to any file). Resolves
 * false when there is nothing to cut: no file, a link, or not a regular file.
 */
export async function truncateLog(path: string): Promise<boolean> {
  let handle;
  try {
    handle = await open(path, constants.O_WRONLY | constants.O_NOFOLLOW | constants.O_NONBLOCK);
  } catch {
    return false;
  }
  try {
    if (!(await handle.stat()).isFile()) return false;
    await handle.truncate(0);
    return true;
  } finally {
    await handle.close();
  }
}

/** What went wrong opening a log file, in words a user can act on. */
export function logOpenError(path: string, error: unknown, label = 'log file'): TsmError {
  const code = (error as NodeJS.ErrnoException | null)?.code;
  const uid = process.getuid?.() ?? 0;
  const why: Record<string, string> = {
    ELOOP: 'it is a symbolic link, and tsm does not write logs through links (whoever can change the link could point it at any file). Give the real path, or remove the link',
    ENOTDIR: 'a part of its folder is a file, not a folder. Choose another path',
    // mkdir -p says EEXIST when the last folder to make is a file.
    EEXIST: 'a part of its folder is a file, not a folder. Choose another path',
    EISDIR: 'it is a directory. A log path names a file',
    EACCES: `permission denied for the daemon (uid ${uid}). Choose a path it can write`,
    EPERM: `permission denied for the daemon (uid ${uid}). Choose a path it can write`,
    EROFS: 'the file system is read-only. Choose another path',
    ENAMETOOLONG: 'the name is too long for the file system. Give a shorter app name or log path',
    ENOTFILE: 'it is not a regular file (a FIFO or a device). Give the path of a file',
    ENXIO: 'it is not a regular file (a FIFO or a device). Give the path of a file',
  };
  const reason = (code && why[code]) ?? (error as Error | null)?.message ?? String(error);
  return new TsmError('E_LOG', `cannot open the ${label} ${path}: ${reason}.`, { cause: error });
}
