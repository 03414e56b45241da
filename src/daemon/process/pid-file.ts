import { readFile, unlink, writeFile } from 'node:fs/promises';

/**
 * PM2's pid_file: the pid of a running process written to a file of the user's choosing, for
 * tools that expect one (monitoring agents, init scripts). Removed when that process exits, but
 * only if it still names that process: a replacement may have written its own pid meanwhile.
 */
export async function writePidFile(path: string, pid: number): Promise<void> {
  await writeFile(path, `${pid}\n`, { mode: 0o644 });
}

export async function removePidFile(path: string, pid: number): Promise<void> {
  const text = await readFile(path, 'utf8').catch(() => '');
  if (text.trim() === String(pid)) await unlink(path).catch(() => {});
}
