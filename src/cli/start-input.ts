import { resolve } from 'node:path';
import type { LogInput, StartInput } from '../core/app-spec.js';
import { DEFAULT_DATE_FORMAT, isNullFile } from '../core/log-spec.js';
import { TsmError } from '../core/errors.js';
import {
  checkAppName,
  parseCount,
  parseDuration,
  parseExitCodes,
  parseInstances,
  parseRotateInterval,
  parseSignal,
  parseSize,
  splitArgs,
} from '../core/parse.js';

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
}

/**
 * Flags to a StartInput. Every value is checked here, before any daemon is contacted, so
 * `tsm start app.js -i abc` fails fast with exit code 2 and starts nothing.
 */
export function toStartInput(
  script: string,
  flags: StartFlags,
  context: { cwd: string; env: NodeJS.ProcessEnv; scriptArgs: string[] },
): StartInput {
  const input: StartInput = {
    script: resolve(context.cwd, script),
    cwd: resolve(context.cwd, flags.cwd ?? '.'),
    args: context.scriptArgs,
    env: stringEnv(context.env),
  };
  if (flags.name !== undefined) input.name = checkAppName(flags.name);
  if (flags.instances !== undefined) input.instances = parseInstances(flags.instances);
  if (flags.interpreter !== undefined) input.interpreter = nonEmpty('--interpreter', flags.interpreter);
  if (flags.nodeArgs !== undefined) input.nodeArgs = splitArgs(flags.nodeArgs);
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
  const logs = toLogInput(flags, input.cwd ?? context.cwd);
  if (Object.keys(logs).length > 0) input.logs = logs;
  return input;
}

/** Log paths are relative to the app's cwd, as PM2 takes them; NULL and /dev/null stay as they are. */
function toLogInput(flags: StartFlags, appCwd: string): LogInput {
  const logs: LogInput = {};
  const path = (value: string): string => (isNullFile(value) ? value : resolve(appCwd, value));
  if (flags.output !== undefined) logs.out = path(flags.output);
  if (flags.error !== undefined) logs.err = path(flags.error);
  if (flags.log !== undefined) logs.combined = path(flags.log);
  if (flags.mergeLogs) logs.merge = true;
  if (flags.logDateFormat !== undefined) logs.dateFormat = nonEmpty('--log-date-format', flags.logDateFormat);
  else if (flags.time) logs.dateFormat = DEFAULT_DATE_FORMAT;
  if (flags.logType !== undefined) {
    if (flags.logType !== 'json' && flags.logType !== 'text') {
      throw new TsmError('E_USAGE', `--log-type ${flags.logType}: expected json (or text, the default).`);
    }
    logs.type = flags.logType;
  }
  if (flags.logMaxSize !== undefined) logs.maxSize = parseSize('--log-max-size', flags.logMaxSize);
  if (flags.logRetain !== undefined) logs.retain = parseCount('--log-retain', flags.logRetain, 1);
  if (flags.logCompress) logs.compress = true;
  if (flags.logRotateInterval !== undefined) logs.interval = parseRotateInterval('--log-rotate-interval', flags.logRotateInterval);
  return logs;
}

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
