import { stat } from 'node:fs/promises';
import type { StartInput } from '../../core/app-spec.js';
import { TsmError } from '../../core/errors.js';
import type { ForegroundPlan } from '../../core/foreground-plan.js';
import { isNullFile } from '../../core/log-spec.js';
import type { CliContext } from '../context.js';
import { appName, ecosystemPath, readEcosystem } from '../ecosystem-file.js';
import { notice } from '../print.js';
import { toStartInput, type StartFlags } from '../start-input.js';

/** Flags that only shape log files: without -o, -e or -l there is no file for them to shape. */
const FILE_ONLY_FLAGS = ['--merge-logs', '--log-type', '--log-max-size', '--log-retain', '--log-compress', '--log-rotate-interval'];

/** With an ecosystem file, the file says how each app runs: only these flags apply. */
const ECOSYSTEM_FLAGS = new Set(['--only', '--env', '--force', '--json', '--metrics']);

type RuntimeFlags = StartFlags & { interpreterArgs?: string; only?: string; env?: string; json?: boolean };

/**
 * The runtime's command line to what the daemon will do, every value checked before the daemon
 * starts (a bad command line changes nothing, not even the home). Every option of `tsm start` is
 * carried out or refused here with the reason: none is dropped without a word.
 */
export async function toForegroundPlan(
  ctx: CliContext,
  words: readonly string[],
  rawFlags: Record<string, unknown>,
  given: readonly string[],
): Promise<ForegroundPlan> {
  const flags = rawFlags as RuntimeFlags;
  const first = words[0];
  if (first === undefined) {
    throw new TsmError(
      'E_USAGE',
      'tsm-runtime: name the script or ecosystem file to run, e.g. `tsm-runtime server.js -i max` or `tsm-runtime ecosystem.config.js`. ' +
        "(`tsm-runtime resurrect` runs the apps of the last 'tsm save'.)",
    );
  }
  if (words.length > 1) {
    throw new TsmError(
      'E_USAGE',
      `tsm-runtime: one script or ecosystem file at a time; to pass arguments to ${first}, put them after --: tsm-runtime ${first} -- ${words.slice(1).join(' ')}`,
    );
  }
  const ecosystem = await ecosystemPath(ctx, first);
  const apps = ecosystem ? await ecosystemApps(ctx, ecosystem, flags, given) : [await scriptApp(ctx, first, flags, given)];
  for (const input of apps) await checkScript(input, ecosystem);
  return { home: ctx.paths.home, mode: { kind: 'apps', apps: apps.map(consoleOnlyByDefault) }, json: flags.json === true };
}

async function scriptApp(ctx: CliContext, script: string, flags: RuntimeFlags, given: readonly string[]): Promise<StartInput> {
  for (const flag of ['--only', '--env']) {
    if (given.includes(flag)) throw new TsmError('E_USAGE', `${flag} applies to an ecosystem file, and ${script} is a script.`);
  }
  const files = [flags.output, flags.error, flags.log].some((path) => path !== undefined && !isNullFile(path));
  const shaping = FILE_ONLY_FLAGS.filter((flag) => given.includes(flag));
  if (!files && shaping.length > 0) {
    throw new TsmError(
      'E_USAGE',
      `${shaping.join(', ')}: tsm-runtime writes no log file unless -o, -e or -l names one, so there is nothing for ${shaping.length > 1 ? 'them' : 'it'} to shape. ` +
        'Give a file, or drop the flag (--json prints the lines as JSON on the console).',
    );
  }
  return toStartInput(script, { ...flags, nodeArgs: flags.nodeArgs ?? flags.interpreterArgs }, ctx);
}

async function ecosystemApps(ctx: CliContext, path: string, flags: RuntimeFlags, given: readonly string[]): Promise<StartInput[]> {
  const refused = given.filter((flag) => !ECOSYSTEM_FLAGS.has(flag));
  if (refused.length > 0) {
    throw new TsmError(
      'E_USAGE',
      `${refused.join(', ')}: with an ecosystem file, each app's settings come from the file (${path}); set them there. ` +
        'Only --only, --env and --json apply here.',
    );
  }
  const { inputs, notices } = await readEcosystem(ctx, path, { ...(flags.only ? { only: flags.only } : {}), ...(flags.env ? { env: flags.env } : {}) });
  for (const line of notices) await notice(ctx, line);
  if (inputs.length === 0) throw new TsmError('E_USAGE', `ecosystem file ${path} has no app to run.`);
  return inputs;
}

/** Checked here as well as in the daemon, so that a typo fails before the daemon starts. */
async function checkScript(input: StartInput, ecosystem: string | null): Promise<void> {
  const info = await stat(input.script).catch(() => null);
  if (info?.isFile()) return;
  const where = ecosystem ? `ecosystem file ${ecosystem}: app '${appName(input)}': ` : '';
  const what = info?.isDirectory() ? `${input.script} is a directory; give the script to run, such as ${input.script}/index.js` : `script not found: ${input.script}`;
  throw new TsmError('E_SCRIPT', `${where}${what}. Nothing was started.`);
}

/**
 * In a container the console is the log: files only when asked for (-o, -e, -l, or out_file...
 * in an ecosystem file), so a container's disk does not fill with what the orchestrator keeps.
 */
function consoleOnlyByDefault(input: StartInput): StartInput {
  return { ...input, logs: { ...input.logs, out: input.logs?.out ?? 'NULL', err: input.logs?.err ?? 'NULL' } };
}
