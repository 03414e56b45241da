import { interpreterFor, isNodeInterpreter, type ExecMode, type StartInput } from '../app-spec.js';
import { TsmError } from '../errors.js';

/** exec_mode as PM2 spells it: `cluster`/`fork`, or `cluster_mode`/`fork_mode`. */
export function parseExecMode(raw: unknown): ExecMode {
  const mode = typeof raw === 'string' ? raw.trim() : raw;
  if (mode === 'cluster' || mode === 'cluster_mode') return 'cluster';
  if (mode === 'fork' || mode === 'fork_mode') return 'fork';
  throw new TsmError('E_USAGE', `exec_mode ${JSON.stringify(raw)}: expected cluster or fork.`);
}

/**
 * Cluster mode needs a Node script: the daemon is the node:cluster primary. For another program,
 * PM2 starts it anyway; tsm does too, in fork mode with a warning, where the intent is clear: one
 * process, or several that each get their own port through increment_var. Several processes of a
 * non-Node program that would all bind the same port cannot work: refused, saying what to change.
 * Returns the warning, or null.
 */
export function settleExecMode(input: StartInput): string | null {
  if (input.execMode !== 'cluster') return null;
  const interpreter = input.interpreter ?? interpreterFor(input.script);
  if (isNodeInterpreter(interpreter)) return null;
  const program = interpreter === 'none' ? input.script : `${interpreter} ${input.script}`;
  const several = input.instances === undefined ? false : input.instances !== 1;
  if (several && input.incrementVar == null) {
    throw new TsmError(
      'E_USAGE',
      `exec_mode cluster: cluster mode runs Node scripts only, and this app runs ${program}. ` +
        'Set exec_mode: "fork" (each instance is a separate process, so give each its own port with ' +
        'increment_var: "PORT"), or instances: 1.',
    );
  }
  input.execMode = 'fork';
  return `exec_mode cluster: runs ${program}, which is not a Node script; started in fork mode instead (as PM2 does).`;
}
