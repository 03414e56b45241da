import { constants } from 'node:fs';
import { access, chmod, mkdir, stat } from 'node:fs/promises';
import { TsmError } from '../core/errors.js';
import { judgeHome, judgeLogsDir, type DirFacts } from '../core/home-safety.js';
import { checkSocketPath, type HomePaths } from '../core/paths.js';

/**
 * Creates the home or makes it safe to use: ours and 0700 (it holds the control socket), with a
 * logs/ folder, if there is one yet, that is ours and not writable by others. The daemon checks
 * the same again when it starts (src/daemon/home-check.ts): this copy gives the message before
 * a daemon is spawned, instead of a daemon that fails to start.
 */
export async function ensureHome(paths: HomePaths): Promise<void> {
  checkSocketPath(paths);
  const uid = process.getuid?.() ?? 0;
  try {
    await mkdir(paths.home, { recursive: true, mode: 0o700 });
    const home = judgeHome(await facts(paths.home), uid);
    if (home.chmodTo !== null) await chmod(paths.home, home.chmodTo);
    const logsFacts = await facts(paths.logsDir).catch((error: NodeJS.ErrnoException) => {
      if (error.code === 'ENOENT') return null; // the daemon creates it
      throw error;
    });
    if (logsFacts) {
      const logs = judgeLogsDir(logsFacts, uid);
      if (logs.chmodTo !== null) await chmod(paths.logsDir, logs.chmodTo);
    }
    await access(paths.home, constants.W_OK | constants.X_OK);
  } catch (error) {
    if (error instanceof TsmError) throw error;
    throw new TsmError(
      'E_HOME',
      `TSM_HOME ${paths.home} cannot be used: ${(error as Error).message}. Set TSM_HOME to a directory you can write.`,
      { cause: error },
    );
  }
}

async function facts(path: string): Promise<DirFacts> {
  const stats = await stat(path);
  return { path, isDirectory: stats.isDirectory(), uid: stats.uid, mode: stats.mode };
}
