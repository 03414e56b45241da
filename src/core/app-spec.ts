import { basename, extname, isAbsolute } from 'node:path';
import { TsmError } from './errors.js';
import { defaultLogSpec, isNullFile, type LogSpec } from './log-spec.js';
import { checkAppName, checkEnv, checkInstanceCount, MAX_TIMER_MS, parseExitCodes, parseSignal, resolveInstances } from './parse.js';

export type ExecMode = 'fork' | 'cluster';

/**
 * What the CLI asks for when it starts a script: every field already parsed from flags, most
 * optional. The daemon turns it into an AppSpec with `buildAppSpec`, which checks it again,
 * because the socket is an interface and a bad request must not reach a spawn.
 */
export interface StartInput {
  script: string; // absolute path
  name?: string;
  args?: string[];
  interpreter?: string;
  nodeArgs?: string[];
  cwd?: string; // absolute
  env?: Record<string, string>;
  /** N workers (>0), or CPUs plus this offset (<=0: 0 is max). Given: cluster mode for Node. */
  instances?: number;
  execMode?: ExecMode;
  autorestart?: boolean;
  maxRestarts?: number;
  minUptime?: number;
  restartDelay?: number;
  expBackoffRestartDelay?: number;
  stopExitCodes?: number[];
  killSignal?: string;
  killTimeout?: number;
  shutdownWithMessage?: boolean;
  listenTimeout?: number;
  waitReady?: boolean;
  logs?: LogInput;
  /** Restart (cluster: reload) a process whose RSS passes this many bytes; 0: no limit. */
  maxMemoryRestart?: number;
  /** Restart (cluster: reload) on file changes: true watches the cwd; a list, those paths. */
  watch?: boolean | string[];
  /** Path segments or globs under the watched paths that never trigger a restart. */
  ignoreWatch?: string[];
  /** Changes within this many ms make one restart. */
  watchDelay?: number;
  /** A cron expression (5 or 6 fields) for a scheduled restart (cluster: reload); '' for none. */
  cronRestart?: string;
  /** The variable that holds the instance number (PM2's instance_var; default NODE_APP_INSTANCE). */
  instanceVar?: string;
  /** A variable (such as PORT) whose value goes up by one per instance. */
  incrementVar?: string | null;
  /** A file the process's pid is written to while it runs (absolute path). */
  pidFile?: string | null;
  /** False: registered, but not started until `tsm start <name>`. */
  autostart?: boolean;
  /** A group of apps that can be named as a target, like an app's name. */
  namespace?: string;
}

/** Log options as given; paths absolute (the CLI resolves them against the app's cwd). */
export interface LogInput {
  out?: string;
  err?: string;
  combined?: string;
  merge?: boolean;
  dateFormat?: string;
  type?: 'text' | 'json';
  maxSize?: number;
  retain?: number;
  compress?: boolean;
  interval?: string;
}

/** A resolved app: everything the daemon needs to run it, stored as is in the saved app list. */
export interface AppSpec {
  name: string;
  script: string;
  args: string[];
  interpreter: string; // 'node', 'none' (run the script itself), or a command such as python3
  nodeArgs: string[];
  cwd: string;
  env: Record<string, string>;
  instances: number;
  execMode: ExecMode;
  autorestart: boolean;
  maxRestarts: number;
  minUptime: number;
  restartDelay: number;
  expBackoffRestartDelay: number;
  stopExitCodes: number[];
  killSignal: string;
  /** PM2 waits 1.6 s, which cuts real shutdowns (draining connections, flushing queues) short. */
  killTimeout: number;
  shutdownWithMessage: boolean;
  listenTimeout: number;
  waitReady: boolean;
  logs: LogSpec;
  maxMemoryRestart: number;
  /** false, or the absolute paths watched (the cwd when `watch: true`). */
  watch: false | string[];
  ignoreWatch: string[];
  watchDelay: number;
  cronRestart: string;
  instanceVar: string;
  incrementVar: string | null;
  pidFile: string | null;
  autostart: boolean;
  namespace: string;
}

export const DEFAULTS = {
  maxRestarts: 16,
  minUptime: 1000,
  restartDelay: 0,
  expBackoffRestartDelay: 0,
  // SIGINT as PM2 sends, so apps written for PM2 shut down the way they expect.
  killSignal: 'SIGINT',
  killTimeout: 5000,
  listenTimeout: 3000,
  watchDelay: 1000,
  instanceVar: 'NODE_APP_INSTANCE',
  namespace: 'default',
} as const;

const INTERPRETER_BY_EXTENSION: Record<string, string> = {
  '.js': 'node',
  '.mjs': 'node',
  '.cjs': 'node',
  '.py': 'python3',
  '.sh': 'bash',
  '.rb': 'ruby',
  '.php': 'php',
  '.pl': 'perl',
};

export function interpreterFor(script: string): string {
  return INTERPRETER_BY_EXTENSION[extname(script).toLowerCase()] ?? 'node';
}

export function isNodeInterpreter(interpreter: string): boolean {
  return interpreter === 'node' || interpreter === 'nodejs' || basename(interpreter) === 'node';
}

export function defaultAppName(script: string): string {
  const base = basename(script, extname(script));
  return base === '' || /^\d+$/.test(base) || base === 'all' ? `app-${base}` : base.replace(/\s+/g, '-');
}

export function buildAppSpec(input: StartInput, cpus: number): AppSpec {
  if (typeof input.script !== 'string' || !isAbsolute(input.script)) {
    throw new TsmError('E_USAGE', `start: the script must be an absolute path, got ${JSON.stringify(input.script)}.`);
  }
  if (input.interpreter !== undefined && (typeof input.interpreter !== 'string' || input.interpreter.trim() === '')) {
    throw new TsmError('E_USAGE', `--interpreter: expected a command name, got ${JSON.stringify(input.interpreter)}.`);
  }
  if (input.execMode !== undefined && input.execMode !== 'fork' && input.execMode !== 'cluster') {
    throw new TsmError('E_USAGE', `exec mode ${JSON.stringify(input.execMode)}: expected fork or cluster.`);
  }
  if (input.name !== undefined && typeof input.name !== 'string') {
    throw new TsmError('E_USAGE', `--name: expected a string, got ${JSON.stringify(input.name)}.`);
  }
  const interpreter = input.interpreter ?? interpreterFor(input.script);
  const node = isNodeInterpreter(interpreter);
  const requestedCluster = input.execMode === 'cluster' || input.instances !== undefined;
  if (input.execMode === 'cluster' && !node) {
    throw new TsmError(
      'E_USAGE',
      `cluster mode runs Node scripts only; ${input.script} runs with ${interpreter}. Drop -x cluster to run it in fork mode.`,
    );
  }
  const execMode: ExecMode = node && requestedCluster && input.execMode !== 'fork' ? 'cluster' : 'fork';
  const instances = resolveInstances(checkInstanceCount('instances', input.instances ?? 1), cpus);
  const spec: AppSpec = {
    name: checkAppName(input.name ?? defaultAppName(input.script)),
    script: input.script,
    args: input.args ?? [],
    interpreter,
    nodeArgs: input.nodeArgs ?? [],
    cwd: input.cwd ?? '/',
    env: input.env ?? {},
    instances,
    execMode,
    autorestart: input.autorestart ?? true,
    maxRestarts: input.maxRestarts ?? DEFAULTS.maxRestarts,
    minUptime: input.minUptime ?? DEFAULTS.minUptime,
    restartDelay: input.restartDelay ?? DEFAULTS.restartDelay,
    expBackoffRestartDelay: input.expBackoffRestartDelay ?? DEFAULTS.expBackoffRestartDelay,
    stopExitCodes: checkExitCodes(input.stopExitCodes ?? []),
    killSignal: parseSignal('--kill-signal', String(input.killSignal ?? DEFAULTS.killSignal)),
    killTimeout: input.killTimeout ?? DEFAULTS.killTimeout,
    shutdownWithMessage: input.shutdownWithMessage ?? false,
    listenTimeout: input.listenTimeout ?? DEFAULTS.listenTimeout,
    waitReady: input.waitReady ?? false,
    logs: buildLogSpec(input.logs ?? {}),
    maxMemoryRestart: input.maxMemoryRestart ?? 0,
    watch: watchPaths(input.watch, input.cwd ?? '/'),
    ignoreWatch: input.ignoreWatch ?? [],
    watchDelay: input.watchDelay ?? DEFAULTS.watchDelay,
    cronRestart: input.cronRestart ?? '',
    instanceVar: input.instanceVar ?? DEFAULTS.instanceVar,
    incrementVar: input.incrementVar ?? null,
    pidFile: input.pidFile ?? null,
    autostart: input.autostart ?? true,
    namespace: input.namespace ?? DEFAULTS.namespace,
  };
  checkShape(spec);
  return spec;
}

/** `watch: true` watches the app's cwd; a list names absolute paths (the CLI resolves them). */
function watchPaths(watch: unknown, cwd: string): false | string[] {
  if (watch === undefined || watch === false) return false;
  if (watch === true) return [cwd];
  if (!Array.isArray(watch) || watch.length === 0 || watch.some((path) => typeof path !== 'string' || !isAbsolute(path))) {
    throw new TsmError('E_USAGE', `--watch: expected true or a list of absolute paths, got ${JSON.stringify(watch)}.`);
  }
  return watch as string[];
}

function buildLogSpec(input: LogInput): LogSpec {
  const spec = defaultLogSpec();
  const path = (flag: string, value: unknown): string | null => {
    if (typeof value !== 'string' || (!isAbsolute(value) && !isNullFile(value))) {
      throw new TsmError('E_USAGE', `${flag}: expected a file path, or NULL for none; got ${JSON.stringify(value)}.`);
    }
    return isNullFile(value) ? null : value;
  };
  if (input.out !== undefined) spec.out = path('--output', input.out);
  if (input.err !== undefined) spec.err = path('--error', input.err);
  if (input.combined !== undefined) spec.combined = path('--log', input.combined);
  if (input.merge !== undefined) spec.merge = input.merge === true;
  if (input.dateFormat !== undefined) {
    if (typeof input.dateFormat !== 'string' || input.dateFormat === '') {
      throw new TsmError('E_USAGE', `--log-date-format: expected a format such as "YYYY-MM-DD HH:mm:ss Z".`);
    }
    spec.dateFormat = input.dateFormat;
  }
  if (input.type !== undefined) {
    if (input.type !== 'text' && input.type !== 'json') {
      throw new TsmError('E_USAGE', `--log-type ${String(input.type)}: expected json (or text, the default).`);
    }
    spec.type = input.type;
  }
  const rotation = spec.rotation;
  if (input.maxSize !== undefined) rotation.maxSize = wholeNumber('--log-max-size', input.maxSize);
  if (input.retain !== undefined) rotation.retain = wholeNumber('--log-retain', input.retain);
  if (input.compress !== undefined) rotation.compress = input.compress === true;
  if (input.interval !== undefined) {
    if (typeof input.interval !== 'string') throw new TsmError('E_USAGE', '--log-rotate-interval: expected an interval such as 1d.');
    rotation.interval = input.interval;
  }
  return spec;
}

function wholeNumber(flag: string, value: unknown): number {
  if (typeof value !== 'number' || !Number.isInteger(value) || value < 0) {
    throw new TsmError('E_USAGE', `${flag}: expected a whole number of at least 0, got ${JSON.stringify(value)}.`);
  }
  return value;
}

/** The wire gives no type guarantees: check what a hand-written client could get wrong. */
function checkShape(spec: AppSpec): void {
  const numbers: Array<keyof AppSpec> = [
    'instances',
    'maxRestarts',
    'minUptime',
    'restartDelay',
    'expBackoffRestartDelay',
    'killTimeout',
    'listenTimeout',
    'watchDelay',
  ];
  for (const key of numbers) {
    const value = spec[key];
    if (typeof value !== 'number' || !Number.isInteger(value) || value < 0 || value > MAX_TIMER_MS) {
      throw new TsmError('E_USAGE', `start: ${key} must be a whole number of at least 0, got ${JSON.stringify(value)}.`);
    }
  }
  if (typeof spec.maxMemoryRestart !== 'number' || !Number.isSafeInteger(spec.maxMemoryRestart) || spec.maxMemoryRestart < 0) {
    throw new TsmError('E_USAGE', `--max-memory-restart: expected a size such as 300M, got ${JSON.stringify(spec.maxMemoryRestart)}.`);
  }
  const words: Array<keyof AppSpec> = ['cronRestart', 'instanceVar', 'namespace'];
  for (const key of words) {
    if (typeof spec[key] !== 'string') throw new TsmError('E_USAGE', `start: ${key} must be a string, got ${JSON.stringify(spec[key])}.`);
  }
  if (spec.instanceVar === '' || spec.namespace === '') {
    throw new TsmError('E_USAGE', 'start: instanceVar and namespace cannot be empty.');
  }
  if (spec.incrementVar !== null && (typeof spec.incrementVar !== 'string' || spec.incrementVar === '')) {
    throw new TsmError('E_USAGE', `--increment-var: expected a variable name such as PORT, got ${JSON.stringify(spec.incrementVar)}.`);
  }
  if (spec.pidFile !== null && (typeof spec.pidFile !== 'string' || !isAbsolute(spec.pidFile))) {
    throw new TsmError('E_USAGE', `--pid: expected an absolute file path, got ${JSON.stringify(spec.pidFile)}.`);
  }
  if (!Array.isArray(spec.ignoreWatch) || spec.ignoreWatch.some((item) => typeof item !== 'string')) {
    throw new TsmError('E_USAGE', 'start: ignoreWatch must be a list of strings.');
  }
  const flags: Array<keyof AppSpec> = ['autorestart', 'shutdownWithMessage', 'waitReady', 'autostart'];
  for (const key of flags) {
    if (typeof spec[key] !== 'boolean') {
      throw new TsmError('E_USAGE', `start: ${key} must be true or false, got ${JSON.stringify(spec[key])}.`);
    }
  }
  if (typeof spec.cwd !== 'string' || !isAbsolute(spec.cwd)) {
    throw new TsmError('E_USAGE', `--cwd: expected an absolute path, got ${JSON.stringify(spec.cwd)}.`);
  }
  const lists: Array<keyof AppSpec> = ['args', 'nodeArgs'];
  for (const key of lists) {
    const value = spec[key];
    if (!Array.isArray(value) || value.some((item) => typeof item !== 'string')) {
      throw new TsmError('E_USAGE', `start: ${key} must be a list of strings.`);
    }
  }
  checkEnv('start: env', spec.env);
}

/** Exit codes from the wire must be numbers: the text '0' would never match an exit code. */
function checkExitCodes(codes: unknown): number[] {
  if (!Array.isArray(codes) || codes.some((code) => typeof code !== 'number')) {
    throw new TsmError('E_USAGE', `--stop-exit-codes: expected a list of numbers, got ${JSON.stringify(codes)}.`);
  }
  return parseExitCodes('--stop-exit-codes', codes.map(String));
}
