import { chmod, mkdir, stat } from 'node:fs/promises';
import { judgeHome, judgeLogsDir, type DirFacts } from '../core/home-safety.js';
import type { HomePaths } from '../core/paths.js';

/**
 * The daemon's own check of its home at start, before it writes anything there: the home ours
 * and 0700, logs/ ours and not writable by others. The CLI checked the same before spawning us,
 * but a daemon can be started by hand (`node dist/daemon/entry.js --home ...`), and the home can
 * change between the two. Throws E_HOME; nothing is created but the folders themselves.
 */
export async function secureHome(paths: HomePaths): Promise<void> {
  const uid = process.getuid?.() ?? 0;
  await mkdir(paths.home, { recursive: true, mode: 0o700 });
  const home = judgeHome(await facts(paths.home), uid);
  if (home.chmodTo !== null) await chmod(paths.home, home.chmodTo);
  await mkdir(paths.logsDir, { recursive: true, mode: 0o700 });
  const logs = judgeLogsDir(await facts(paths.logsDir), uid);
  if (logs.chmodTo !== null) await chmod(paths.logsDir, logs.chmodTo);
}

async function facts(path: string): Promise<DirFacts> {
  const stats = await stat(path);
  return { path, isDirectory: stats.isDirectory(), uid: stats.uid, mode: stats.mode };
}
