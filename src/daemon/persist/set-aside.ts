import { constants } from 'node:fs';
import { copyFile, link, lstat, rename, unlink } from 'node:fs/promises';

/** Names tried per timestamp: two set-asides of one file within a millisecond are already odd. */
const MAX_TRIES = 100;

/**
 * A saved file that tsm cannot use is never overwritten: it is moved (or, when it is still in
 * use, copied) to `<file>.corrupt-<UTC time>`, with `-2`, `-3`... if that name exists, so a
 * person can read or repair it. Resolves with the new path.
 */
export async function setAside(file: string, how: 'move' | 'copy', now: Date): Promise<string> {
  // ':' is not allowed in Windows file names and confuses scp: 2024-05-01T10-20-30.123Z.
  const base = `${file}.corrupt-${now.toISOString().replace(/:/g, '-')}`;
  for (let n = 1; n <= MAX_TRIES; n += 1) {
    const target = n === 1 ? base : `${base}-${n}`;
    try {
      await (how === 'copy' ? copyFile(file, target, constants.COPYFILE_EXCL) : moveNoClobber(file, target));
      return target;
    } catch (error) {
      if (!isCode(error, 'EEXIST')) throw error;
    }
  }
  throw new Error(`${MAX_TRIES} names starting ${base} are taken`);
}

/**
 * rename() replaces an existing target silently; link() refuses one atomically. Where hard links
 * are not possible (a directory under the file's name, FAT, some network file systems), a check
 * then a rename is the best there is: only one daemon serves a home, so nobody races it.
 */
async function moveNoClobber(file: string, target: string): Promise<void> {
  try {
    await link(file, target);
  } catch (error) {
    if (isCode(error, 'EEXIST') || isCode(error, 'ENOENT')) throw error;
    if (await exists(target)) throw Object.assign(new Error(`${target} exists`), { code: 'EEXIST' });
    await rename(file, target);
    return;
  }
  await unlink(file);
}

async function exists(path: string): Promise<boolean> {
  try {
    await lstat(path);
    return true;
  } catch (error) {
    if (isCode(error, 'ENOENT')) return false;
    throw error;
  }
}

function isCode(error: unknown, code: string): boolean {
  return error instanceof Error && 'code' in error && error.code === code;
}
