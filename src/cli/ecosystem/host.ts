import { accessSync, constants, statSync } from 'node:fs';
import { delimiter, join } from 'node:path';
import type { EcosystemHost } from '../../core/ecosystem.js';
import { cronProblem } from './cron-check.js';

/** The machine's answers to the ecosystem loader's questions (src/core does no I/O). */
export const machineHost: EcosystemHost = {
  isFile: (path) => statSync(path, { throwIfNoEntry: false })?.isFile() === true,
  exists: (path) => statSync(path, { throwIfNoEntry: false }) !== undefined,
  which,
  cronProblem,
};

/** A command found on PATH as a shell would: the first directory holding an executable file of that name. */
function which(command: string, pathEnv: string): string | null {
  for (const dir of pathEnv.split(delimiter)) {
    if (dir === '') continue;
    const candidate = join(dir, command);
    if (statSync(candidate, { throwIfNoEntry: false })?.isFile() !== true) continue;
    try {
      accessSync(candidate, constants.X_OK);
      return candidate;
    } catch {
      // Not executable for us: a shell would go on looking too.
    }
  }
  return null;
}
