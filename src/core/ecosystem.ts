import { isAbsolute, resolve } from 'node:path';
import type { ExecMode, StartInput } from './app-spec.js';
import { TsmError } from './errors.js';
import { toLogInput, type LogOptionNames } from './log-input.js';
import {
  checkAppName,
  parseCount,
  parseDuration,
  parseExitCodes,
  parseInstances,
  parseSignal,
  splitArgs,
} from './parse.js';

/** One app of an ecosystem file, as PM2 users write it (PM2's field names). */
export type EcosystemApp = Record<string, unknown>;

export interface EcosystemOptions {
  /** The file's directory: relative scripts, cwds and log paths are taken from there. */
  baseDir: string;
  /** The CLI's environment, which every app starts from (as with `tsm start`). */
  env: Record<string, string>;
  /** `--env production` merges the app's `env_production` over its `env`. */
  envName?: string;
}

export interface EcosystemResult {
  inputs: StartInput[];
  /** Fields tsm does not know (PM2 has many): ignored, and said so. */
  ignored: string[];
}

const KNOWN = new Set([
  'name', 'script', 'args', 'interpreter', 'interpreter_args', 'node_args', 'cwd', 'instances', 'exec_mode',
  'env', 'autorestart', 'max_restarts', 'min_uptime', 'restart_delay', 'exp_backoff_restart_delay',
  'stop_exit_codes', 'kill_timeout', 'kill_signal', 'shutdown_with_message', 'listen_timeout', 'wait_ready',
  'out_file', 'error_file', 'log_file', 'output', 'error', 'log', 'merge_logs', 'combine_logs', 'time',
  'log_date_format', 'log_type', 'log_max_size', 'log_retain', 'log_compress', 'log_rotate_interval',
]);

/**
 * The apps of an ecosystem file (`module.exports = { apps: [...] }`) as StartInputs. Each field
 * goes through the same parsers as the matching flag, so a bad value is refused with the app and
 * the field named, before anything starts.
 */
export function ecosystemInputs(config: unknown, options: EcosystemOptions): EcosystemResult {
  const apps = (config as { apps?: unknown } | null)?.apps ?? config;
  if (!Array.isArray(apps) || apps.length === 0) {
    throw new TsmError('E_USAGE', 'ecosystem file: expected `module.exports = { apps: [{ name, script, ... }] }` with at least one app.');
  }
  const ignored = new Set<string>();
  const inputs = apps.map((app: unknown, index: number) => {
    if (!app || typeof app !== 'object' || Array.isArray(app)) {
      throw new TsmError('E_USAGE', `ecosystem file: apps[${index}] must be an object with at least a script.`);
    }
    const fields = app as EcosystemApp;
    for (const key of Object.keys(fields)) if (!KNOWN.has(key) && !key.startsWith('env_')) ignored.add(key);
    const where = `apps[${index}]${typeof fields['name'] === 'string' ? ` (${fields['name']})` : ''}`;
    try {
      return toInput(fields, options);
    } catch (error) {
      if (error instanceof TsmError) throw new TsmError(error.code, `ecosystem file, ${where}: ${error.message}`);
      throw error;
    }
  });
  const names = inputs.map((input) => input.name);
  const twice = names.find((name, i) => name !== undefined && names.indexOf(name) !== i);
  if (twice) throw new TsmError('E_USAGE', `ecosystem file: two apps are named '${twice}'; names must differ.`);
  return { inputs, ignored: [...ignored].sort() };
}

function toInput(app: EcosystemApp, options: EcosystemOptions): StartInput {
  const text = (key: string): string | undefined => {
    const value = app[key];
    if (value === undefined || value === null) return undefined;
    if (typeof value !== 'string' && typeof value !== 'number') throw new TsmError('E_USAGE', `${key} must be a string.`);
    return String(value);
  };
  const flag = (key: string): boolean | undefined => {
    const value = app[key];
    if (value === undefined) return undefined;
    if (typeof value !== 'boolean') throw new TsmError('E_USAGE', `${key} must be true or false.`);
    return value;
  };
  const script = text('script');
  if (!script) throw new TsmError('E_USAGE', 'script is missing: give the file to run.');
  const cwd = resolve(options.baseDir, text('cwd') ?? '.');
  const input: StartInput = { script: isAbsolute(script) ? script : resolve(cwd, script), cwd, env: environment(app, options) };
  const name = text('name');
  if (name !== undefined) input.name = checkAppName(name);
  const args = app['args'];
  if (args !== undefined) input.args = Array.isArray(args) ? args.map(String) : splitArgs(String(args));
  const interpreter = text('interpreter');
  if (interpreter !== undefined) input.interpreter = interpreter;
  const nodeArgs = app['node_args'] ?? app['interpreter_args'];
  if (nodeArgs !== undefined) input.nodeArgs = Array.isArray(nodeArgs) ? nodeArgs.map(String) : splitArgs(String(nodeArgs));
  const instances = text('instances');
  if (instances !== undefined) input.instances = parseInstances(instances, 'instances');
  const mode = text('exec_mode');
  if (mode !== undefined) input.execMode = execMode(mode);
  const autorestart = flag('autorestart');
  if (autorestart !== undefined) input.autorestart = autorestart;
  const count = (key: string, set: (n: number) => void): void => {
    const value = text(key);
    if (value !== undefined) set(parseCount(key, value));
  };
  const duration = (key: string, set: (n: number) => void): void => {
    const value = text(key);
    if (value !== undefined) set(parseDuration(key, value));
  };
  count('max_restarts', (n) => (input.maxRestarts = n));
  duration('min_uptime', (n) => (input.minUptime = n));
  duration('restart_delay', (n) => (input.restartDelay = n));
  duration('exp_backoff_restart_delay', (n) => (input.expBackoffRestartDelay = n));
  duration('kill_timeout', (n) => (input.killTimeout = n));
  duration('listen_timeout', (n) => (input.listenTimeout = n));
  const codes = app['stop_exit_codes'];
  if (codes !== undefined) input.stopExitCodes = parseExitCodes('stop_exit_codes', (Array.isArray(codes) ? codes : [codes]).map(String));
  const signal = text('kill_signal');
  if (signal !== undefined) input.killSignal = parseSignal('kill_signal', signal);
  if (flag('shutdown_with_message')) input.shutdownWithMessage = true;
  if (flag('wait_ready')) input.waitReady = true;
  const logs = toLogInput(
    {
      out: text('out_file') ?? text('output'),
      err: text('error_file') ?? text('error'),
      combined: text('log_file') ?? text('log'),
      merge: flag('merge_logs') === true || flag('combine_logs') === true,
      time: flag('time'),
      dateFormat: text('log_date_format'),
      type: text('log_type'),
      maxSize: text('log_max_size'),
      retain: text('log_retain'),
      compress: flag('log_compress'),
      interval: text('log_rotate_interval'),
    },
    cwd,
    FIELD_NAMES,
  );
  if (Object.keys(logs).length > 0) input.logs = logs;
  return input;
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

/** The CLI's environment, then the app's `env`, then `env_<name>` with --env <name>. */
function environment(app: EcosystemApp, options: EcosystemOptions): Record<string, string> {
  const env = { ...options.env };
  const layers = [app['env'], options.envName ? app[`env_${options.envName}`] : undefined];
  for (const layer of layers) {
    if (layer === undefined) continue;
    if (!layer || typeof layer !== 'object' || Array.isArray(layer)) throw new TsmError('E_USAGE', 'env must be an object of names to values.');
    for (const [key, value] of Object.entries(layer)) env[key] = String(value);
  }
  return env;
}

/** Files `tsm start` reads as a list of apps rather than runs: PM2's naming. */
export function isEcosystemFile(path: string): boolean {
  const base = path.split('/').pop() ?? path;
  return /\.config\.(c|m)?js$/.test(base) || /^ecosystem.*\.(c|m)?js$/.test(base) || base.endsWith('.json');
}

function execMode(mode: string): ExecMode {
  if (mode === 'cluster' || mode === 'cluster_mode') return 'cluster';
  if (mode === 'fork' || mode === 'fork_mode') return 'fork';
  throw new TsmError('E_USAGE', `exec_mode ${mode}: expected cluster or fork.`);
}
