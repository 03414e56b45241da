import { resolve } from 'node:path';
import type { StartInput } from '../core/app-spec.js';
import { toLogInput, type LogOptionNames } from '../core/log-input.js';
import { TsmError } from '../core/errors.js';
import {
  checkAppName,
  parseCount,
  parseDuration,
  parseExitCodes,
  parseInstances,
  parseCron,
  parseMemory,
  parseSignal,
  parseVariableName,
  splitArgs,
} from '../core/parse.js';
import type { EcosystemHost } from '../core/ecosystem.js';
import { SHELL, type ScriptPlan } from '../core/ecosystem/command.js';
import { existingPaths } from '../core/ecosystem/runtime-fields.js';
import { machineHost } from './ecosystem/host.js';

/** `tsm start` flags as commander hands them over: strings, as typed. */
export interface StartFlags {
  name?: string;
  instances?: string;
  interpreter?: string;
  nodeArgs?: string;
  cwd?: string;
  maxRestarts?: string;
  minUptime?: string;
  restartDelay?: string;
  expBackoffRestartDelay?: string;
  autorestart?: boolean;
  stopExitCodes?: string[];
  killSignal?: string;
  killTimeout?: string;
  shutdownWithMessage?: boolean;
  listenTimeout?: string;
  waitReady?: boolean;
  force?: boolean;
  output?: string;
  error?: string;
  log?: string;
  mergeLogs?: boolean;
  time?: boolean;
  logDateFormat?: string;
  logType?: string;
  logMaxSize?: string;
  logRetain?: string;
  logCompress?: boolean;
  logRotateInterval?: string;
  maxMemoryRestart?: string;
  /** `--watch` alone: true; `--watch a b`: those paths. */
  watch?: boolean | string[];
  ignoreWatch?: string[];
  watchDelay?: string;
  cronRestart?: string;
  /** `--cron`, PM2's other name for --cron-restart. */
  cron?: string;
  instanceVar?: string;
  incrementVar?: string;
  pid?: string;
  autostart?: boolean;
  namespace?: string;
}

/**
 * Flags to a StartInput. Every value is checked here, before any daemon is contacted, so
 * `tsm start app.js -i abc` fails fast with exit code 2 and starts nothing. `script` is a file,
 * or, with `plan`, the command line it was planned into (`tsm start "npm run start"`).
 */
export function toStartInput(
  script: string,
  flags: StartFlags,
  context: { cwd: string; env: NodeJS.ProcessEnv; scriptArgs: string[]; host?: EcosystemHost },
  plan?: ScriptPlan,
): StartInput {
  const input: StartInput = {
    script: plan?.script ?? resolve(context.cwd, script),
    cwd: resolve(context.cwd, flags.cwd ?? '.'),
    // A plan already carries the arguments after `--`, behind the command line's own.
    args: plan?.args ?? context.scriptArgs,
    env: stringEnv(context.env),
  };
  if (flags.name !== undefined) input.name = checkAppName(flags.name);
  else if (plan?.name !== undefined) input.name = plan.name;
  if (flags.instances !== undefined) input.instances = parseInstances(flags.instances);
  // The interpreter given wins, except for a shell command line, which only /bin/sh can run.
  if (flags.interpreter !== undefined && plan?.script !== SHELL) input.interpreter = nonEmpty('--interpreter', flags.interpreter);
  else if (plan?.interpreter !== undefined) input.interpreter = plan.interpreter;
  const nodeArgs = [...(plan?.nodeArgs ?? []), ...(flags.nodeArgs !== undefined ? splitArgs(flags.nodeArgs, '--node-args') : [])];
  if (nodeArgs.length > 0) input.nodeArgs = nodeArgs;
  if (flags.maxRestarts !== undefined) input.maxRestarts = parseCount('--max-restarts', flags.maxRestarts);
  if (flags.minUptime !== undefined) input.minUptime = parseDuration('--min-uptime', flags.minUptime);
  if (flags.restartDelay !== undefined) input.restartDelay = parseDuration('--restart-delay', flags.restartDelay);
  if (flags.expBackoffRestartDelay !== undefined) {
    input.expBackoffRestartDelay = parseDuration('--exp-backoff-restart-delay', flags.expBackoffRestartDelay);
  }
  if (flags.autorestart === false) input.autorestart = false;
  if (flags.stopExitCodes !== undefined) input.stopExitCodes = parseExitCodes('--stop-exit-codes', flags.stopExitCodes);
  if (flags.killSignal !== undefined) input.killSignal = parseSignal('--kill-signal', flags.killSignal);
  if (flags.killTimeout !== undefined) input.killTimeout = parseDuration('--kill-timeout', flags.killTimeout);
  if (flags.shutdownWithMessage) input.shutdownWithMessage = true;
  if (flags.listenTimeout !== undefined) input.listenTimeout = parseDuration('--listen-timeout', flags.listenTimeout);
  if (flags.waitReady) input.waitReady = true;
  const logs = toLogInput(
    {
      out: flags.output,
      err: flags.error,
      combined: flags.log,
      merge: flags.mergeLogs,
      time: flags.time,
      dateFormat: flags.logDateFormat,
      type: flags.logType,
      maxSize: flags.logMaxSize,
      retain: flags.logRetain,
      compress: flags.logCompress,
      interval: flags.logRotateInterval,
    },
    input.cwd ?? context.cwd,
    FLAG_NAMES,
  );
  if (Object.keys(logs).length > 0) input.logs = logs;
  runtimeFlags(flags, input, input.cwd ?? context.cwd, context.host ?? machineHost);
  return input;
}

/**
 * Flags typed next to an ecosystem file (`tsm start ecosystem.config.js -i 1 --watch`) win over
 * the file's values for every app it starts, so one file serves development and production.
 * (PM2 drops most of them without a word; its users keep asking for this.) Each is checked as
 * for a script; `--name` can only rename a single app.
 */
export function overrideApps(
  inputs: readonly StartInput[],
  flags: StartFlags,
  context: { cwd: string; env: NodeJS.ProcessEnv; host?: EcosystemHost },
): StartInput[] {
  const typed = toStartInput('.', flags, { ...context, scriptArgs: [] });
  // What every start input has (the script, its arguments and environment) is not a typed flag.
  const { script: _script, cwd, args: _args, env: _env, logs, ...fields } = typed;
  if (fields.name !== undefined && inputs.length > 1) {
    throw new TsmError(
      'E_USAGE',
      `--name ${fields.name}: the file starts ${inputs.length} apps, and one name cannot fit them all. Pick one with --only, or name them in the file.`,
    );
  }
  return inputs.map((input) => ({
    ...input,
    ...fields,
    ...(flags.cwd !== undefined ? { cwd } : {}),
    ...(logs !== undefined ? { logs: { ...input.logs, ...logs } } : {}),
  }));
}

/** The flags the daemon acts on while the app runs, checked as their ecosystem fields are. */
function runtimeFlags(flags: StartFlags, input: StartInput, cwd: string, host: EcosystemHost): void {
  if (flags.maxMemoryRestart !== undefined) input.maxMemoryRestart = parseMemory('--max-memory-restart', flags.maxMemoryRestart);
  if (flags.watch !== undefined && flags.watch !== false) {
    input.watch = flags.watch === true || flags.watch.length === 0 ? true : existingPaths('--watch', flags.watch, cwd, host);
  }
  if (flags.ignoreWatch !== undefined) input.ignoreWatch = flags.ignoreWatch;
  if (flags.watchDelay !== undefined) input.watchDelay = parseDuration('--watch-delay', flags.watchDelay);
  const cron = flags.cronRestart ?? flags.cron;
  if (cron !== undefined) {
    const expression = parseCron(flags.cronRestart !== undefined ? '--cron-restart' : '--cron', cron, host.cronProblem);
    if (expression !== '') input.cronRestart = expression;
  }
  if (flags.instanceVar !== undefined) input.instanceVar = parseVariableName('--instance-var', flags.instanceVar);
  if (flags.incrementVar !== undefined) input.incrementVar = parseVariableName('--increment-var', flags.incrementVar);
  if (flags.pid !== undefined) input.pidFile = resolve(cwd, nonEmpty('--pid', flags.pid));
  if (flags.autostart === false) input.autostart = false;
  if (flags.namespace !== undefined) input.namespace = checkAppName(flags.namespace, '--namespace');
}

const FLAG_NAMES: LogOptionNames = {
  out: '--output',
  err: '--error',
  combined: '--log',
  merge: '--merge-logs',
  time: '--time',
  dateFormat: '--log-date-format',
  type: '--log-type',
  maxSize: '--log-max-size',
  retain: '--log-retain',
  compress: '--log-compress',
  interval: '--log-rotate-interval',
};

function nonEmpty(flag: string, value: string): string {
  if (value.trim() === '') throw new TsmError('E_USAGE', `${flag}: expected a value.`);
  return value.trim();
}

/** The app's environment is the CLI's, as PM2 does: what the user exported is what the app sees. */
export function stringEnv(env: NodeJS.ProcessEnv): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [key, value] of Object.entries(env)) if (value !== undefined) out[key] = value;
  return out;
}

