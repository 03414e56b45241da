import { resolve } from 'node:path';
import type { StartInput } from '../app-spec.js';
import { TsmError } from '../errors.js';
import { toLogInput, type LogOptionNames } from '../log-input.js';
import { checkAppName, parseCount, parseDuration, parseExitCodes, parseInstances, parseSignal, splitArgs } from '../parse.js';
import { planScript, SHELL } from './command.js';
import { appEnvironment } from './env.js';
import { parseExecMode, settleExecMode } from './exec-mode.js';
import type { EcosystemHost } from './host.js';
import { mapRuntimeFields } from './runtime-fields.js';

export interface AppContext {
  /** The directory the command runs in: relative paths start there, as in PM2. */
  baseDir: string;
  env: Record<string, string>;
  envName: string | undefined;
  host: EcosystemHost;
}

export interface AppResult {
  input: StartInput;
  /** Things said about this app: a mode changed, fields accepted but not read. */
  warnings: string[];
  unread: string[];
}

/**
 * One app (fields already under their canonical names) as a StartInput. Each field goes through
 * the parser of the matching flag, so a bad value is refused the same way wherever it is typed.
 */
export function appInput(fields: Record<string, unknown>, context: AppContext): AppResult {
  const value = reader(fields);
  const rawScript = value.text('script');
  if (rawScript === undefined || rawScript.trim() === '') throw new TsmError('E_USAGE', 'script is missing: give the file or command to run.');
  const cwd = resolve(context.baseDir, value.text('cwd') ?? '.');
  const env = appEnvironment(fields, context.env, context.envName);
  const plan = planScript(rawScript, value.words('args') ?? [], cwd, env['PATH'] ?? '', context.host);
  const input: StartInput = { script: plan.script, cwd, env };
  if (plan.args.length > 0) input.args = plan.args;
  const name = value.text('name');
  if (name !== undefined) input.name = checkAppName(name, 'name');
  else if (plan.name !== undefined) input.name = plan.name;
  const interpreter = value.text('interpreter');
  // The interpreter given wins, except for a shell command line, which only /bin/sh can run.
  if (interpreter !== undefined && interpreter.trim() !== '' && plan.script !== SHELL) input.interpreter = interpreter.trim();
  else if (plan.interpreter !== undefined) input.interpreter = plan.interpreter;
  const nodeArgs = [...(plan.nodeArgs ?? []), ...(value.words('node_args') ?? value.words('interpreter_args') ?? [])];
  if (nodeArgs.length > 0) input.nodeArgs = nodeArgs;
  const instances = value.text('instances');
  if (instances !== undefined) input.instances = parseInstances(instances, 'instances');
  if (fields['exec_mode'] !== undefined) input.execMode = parseExecMode(fields['exec_mode']);
  const autorestart = value.flag('autorestart');
  if (autorestart !== undefined) input.autorestart = autorestart;
  const count = (key: string, set: (n: number) => void): void => {
    const raw = value.text(key);
    if (raw !== undefined) set(parseCount(key, raw));
  };
  const duration = (key: string, set: (n: number) => void): void => {
    const raw = value.text(key);
    if (raw !== undefined) set(parseDuration(key, raw));
  };
  count('max_restarts', (n) => (input.maxRestarts = n));
  duration('min_uptime', (n) => (input.minUptime = n));
  duration('restart_delay', (n) => (input.restartDelay = n));
  duration('exp_backoff_restart_delay', (n) => (input.expBackoffRestartDelay = n));
  duration('kill_timeout', (n) => (input.killTimeout = n));
  duration('listen_timeout', (n) => (input.listenTimeout = n));
  const codes = fields['stop_exit_codes'];
  if (codes !== undefined) input.stopExitCodes = parseExitCodes('stop_exit_codes', (Array.isArray(codes) ? codes : [codes]).map(String));
  const signal = value.text('kill_signal');
  if (signal !== undefined) input.killSignal = parseSignal('kill_signal', signal);
  if (value.flag('shutdown_with_message')) input.shutdownWithMessage = true;
  if (value.flag('wait_ready')) input.waitReady = true;
  const noLogs = value.flag('disable_logs') === true;
  const logs = toLogInput(
    {
      out: noLogs ? 'NULL' : value.text('out_file'),
      err: noLogs ? 'NULL' : value.text('error_file'),
      combined: value.text('log_file'),
      merge: value.flag('merge_logs') === true || value.flag('combine_logs') === true,
      time: value.flag('time'),
      dateFormat: value.text('log_date_format'),
      type: value.text('log_type'),
      maxSize: value.text('log_max_size'),
      retain: value.text('log_retain'),
      compress: value.flag('log_compress'),
      interval: value.text('log_rotate_interval'),
    },
    cwd,
    FIELD_NAMES,
  );
  if (Object.keys(logs).length > 0) input.logs = logs;
  const unread = mapRuntimeFields(fields, input, cwd, context.host);
  const warning = settleExecMode(input);
  return { input, warnings: warning === null ? [] : [warning], unread };
}

const FIELD_NAMES: LogOptionNames = {
  out: 'out_file',
  err: 'error_file',
  combined: 'log_file',
  merge: 'merge_logs',
  time: 'time',
  dateFormat: 'log_date_format',
  type: 'log_type',
  maxSize: 'log_max_size',
  retain: 'log_retain',
  compress: 'log_compress',
  interval: 'log_rotate_interval',
};

/** Typed reads of an app's fields; a wrong type names the field. */
function reader(fields: Record<string, unknown>) {
  return {
    text(key: string): string | undefined {
      const raw = fields[key];
      if (raw === undefined || raw === null) return undefined;
      if (typeof raw !== 'string' && typeof raw !== 'number') throw new TsmError('E_USAGE', `${key} must be a string, got ${JSON.stringify(raw)}.`);
      return String(raw);
    },
    flag(key: string): boolean | undefined {
      const raw = fields[key];
      if (raw === undefined || raw === null) return undefined;
      if (typeof raw !== 'boolean') throw new TsmError('E_USAGE', `${key} must be true or false, got ${JSON.stringify(raw)}.`);
      return raw;
    },
    /** A list of words: an array as given, or a string split like a shell would. */
    words(key: string): string[] | undefined {
      const raw = fields[key];
      if (raw === undefined || raw === null) return undefined;
      if (Array.isArray(raw)) return raw.map(String);
      if (typeof raw !== 'string' && typeof raw !== 'number') throw new TsmError('E_USAGE', `${key} must be a string or a list.`);
      return splitArgs(String(raw), key);
    },
  };
}
