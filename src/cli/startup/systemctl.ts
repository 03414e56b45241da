import { execFile } from 'node:child_process';
import { TsmError } from '../../core/errors.js';

/**
 * Runs `systemctl <args>`; a failure is an E_STARTUP naming the command and what systemctl said.
 * The CLI's one use of child_process, for tsm startup and unstartup.
 */
export function systemctl(args: readonly string[]): Promise<void> {
  return new Promise((resolve, reject) => {
    execFile('systemctl', [...args], { timeout: 60_000 }, (error, _stdout, stderr) => {
      if (!error) return resolve();
      const said = stderr.trim() || error.message;
      reject(new TsmError('E_STARTUP', `systemctl ${args.join(' ')} failed: ${said}`, { cause: error }));
    });
  });
}
