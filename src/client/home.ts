import { constants } from 'node:fs';
import { access, mkdir } from 'node:fs/promises';
import { TsmError } from '../core/errors.js';
import { checkSocketPath, type HomePaths } from '../core/paths.js';

/** Creates the home (0700: it holds the control socket) or says why it cannot be used. */
export async function ensureHome(paths: HomePaths): Promise<void> {
  checkSocketPath(paths);
  try {
    await mkdir(paths.home, { recursive: true, mode: 0o700 });
    await access(paths.home, constants.W_OK | constants.X_OK);
  } catch (error) {
    throw new TsmError(
      'E_HOME',
      `TSM_HOME ${paths.home} cannot be used: ${(error as Error).message}. Set TSM_HOME to a directory you can write.`,
      { cause: error },
    );
  }
}
