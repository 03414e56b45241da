import { basename, resolve } from 'node:path';
import { defaultAppName } from '../app-spec.js';
import { TsmError } from '../errors.js';
import { splitArgs } from '../parse.js';
import type { EcosystemHost } from './host.js';

/** How an app's `script` is run: what the StartInput gets. */
export interface ScriptPlan {
  script: string;
  args: string[];
  interpreter?: string;
  nodeArgs?: string[];
  /** The default name when the app has none and the script's own name would mislead (`sh`). */
  name?: string;
}

/** The shell that runs a `script` using shell syntax: POSIX sh is on every system tsm runs on. */
export const SHELL = '/bin/sh';

/**
 * Characters that need a shell: pipes, lists, redirections, substitutions, globs, comments, and
 * a leading `VAR=value`. A command line without them is split like a shell would and run
 * directly, so the app itself gets the stop signal (a shell in between would get it instead).
 */
const SHELL_SYNTAX = /[|&;<>()$`*?[\]{}~!#\n]|^\s*[A-Za-z_][A-Za-z0-9_]*=/;

/**
 * PM2 runs `script` as a file (relative to the app's cwd), else as a command found on PATH, and a
 * script with spaces through a shell. tsm does the same, in this order:
 * 1. a file at that path: run it as always (its interpreter from its extension);
 * 2. `node <options> <file> <args>` (or `script: 'node'` with the file first in args): a Node
 *    app, which can then run in cluster mode;
 * 3. a command line without shell syntax: split into words; the first is a file in the cwd or a
 *    command on the app's PATH, run directly (interpreter 'none') with the others as arguments;
 * 4. a command line with shell syntax: `/bin/sh -c '<script> <args>'`.
 * A single word that is neither a file nor on PATH is kept as a path, so the start reports
 * "script not found" with the full path.
 */
export function planScript(
  raw: string,
  appArgs: string[],
  cwd: string,
  pathEnv: string,
  host: EcosystemHost,
): ScriptPlan {
  const asPath = resolve(cwd, raw);
  if (host.isFile(asPath)) return { script: asPath, args: appArgs };
  const text = raw.trim();
  if (SHELL_SYNTAX.test(text)) {
    const command = [text, ...appArgs.map(shellQuote)].join(' ');
    return { script: SHELL, interpreter: 'none', args: ['-c', command], name: nameOfCommand(text) };
  }
  const words = splitArgs(text, 'script');
  const first = words[0];
  if (first === undefined) throw new TsmError('E_USAGE', 'script is empty: give the file or command to run.');
  if (isNode(first)) return nodePlan([...words.slice(1), ...appArgs], cwd, raw);
  const local = resolve(cwd, first);
  if (first.includes('/') || host.isFile(local)) {
    if (words.length === 1) return { script: local, args: appArgs };
    return { script: local, args: [...words.slice(1), ...appArgs] };
  }
  const found = host.which(first, pathEnv);
  if (found === null) {
    if (words.length === 1) return { script: local, args: appArgs };
    throw new TsmError('E_SCRIPT', `script "${raw}": ${first} is neither a file in ${cwd} nor a command on PATH.`);
  }
  return { script: found, interpreter: 'none', args: [...words.slice(1), ...appArgs] };
}

function isNode(word: string): boolean {
  const base = basename(word);
  return base === 'node' || base === 'nodejs';
}

/** `node --inspect server.js --port 3`: options before the file are Node's, the rest the app's. */
function nodePlan(words: string[], cwd: string, raw: string): ScriptPlan {
  const at = words.findIndex((word) => !word.startsWith('-'));
  const file = at === -1 ? undefined : words[at];
  if (file === undefined) {
    throw new TsmError('E_USAGE', `script "${raw}": name the file node runs, e.g. script: 'node server.js'.`);
  }
  return { script: resolve(cwd, file), interpreter: 'node', nodeArgs: words.slice(0, at), args: words.slice(at + 1) };
}

/** The app's default name for a shell command: its first word that is not a `VAR=value`. */
function nameOfCommand(text: string): string {
  const word = text.split(/\s+/).find((part) => part !== '' && !/^[A-Za-z_][A-Za-z0-9_]*=/.test(part)) ?? 'sh';
  return defaultAppName(word.replace(/[^A-Za-z0-9._/-]/g, '') || 'sh');
}

function shellQuote(arg: string): string {
  return /^[A-Za-z0-9_./=:@%+-]+$/.test(arg) ? arg : `'${arg.replace(/'/g, `'\\''`)}'`;
}
