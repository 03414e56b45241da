import { isAbsolute, resolve } from 'node:path';
import type { StartInput } from '../app-spec.js';
import { TsmError } from '../errors.js';
import { checkAppName, parseCron, parseDuration, parseMemory, parseVariableName, parseWatch } from '../parse.js';
import { WATCH_OPTIONS_READ } from './fields.js';
import type { EcosystemHost } from './host.js';

/**
 * The fields the daemon acts on while an app runs (memory limit, watch, cron, instance and
 * increment variables, pid file, autostart, namespace), checked and mapped into the StartInput.
 * Returns what was accepted but not read (watch_options keys other than `ignored`), for the notice.
 */
export function mapRuntimeFields(
  fields: Record<string, unknown>,
  input: StartInput,
  cwd: string,
  host: EcosystemHost,
): string[] {
  const unread: string[] = [];
  const memory = fields['max_memory_restart'];
  if (memory !== undefined && memory !== null) {
    if (typeof memory !== 'string' && typeof memory !== 'number') throw new TsmError('E_USAGE', 'max_memory_restart must be a size such as 300M.');
    input.maxMemoryRestart = parseMemory('max_memory_restart', memory);
  }
  const watch = fields['watch'];
  if (watch !== undefined && watch !== null) {
    const parsed = parseWatch('watch', watch);
    if (parsed !== false) input.watch = parsed === true ? true : existingPaths('watch', parsed, cwd, host);
  }
  const ignore = [...textList('ignore_watch', fields['ignore_watch'])];
  const options = fields['watch_options'];
  if (options !== undefined && options !== null) {
    if (typeof options !== 'object' || Array.isArray(options)) throw new TsmError('E_USAGE', 'watch_options must be an object.');
    for (const [key, value] of Object.entries(options)) {
      if (WATCH_OPTIONS_READ.has(key)) ignore.push(...textList('watch_options.ignored', value));
      else unread.push(`watch_options.${key}`);
    }
  }
  if (ignore.length > 0) input.ignoreWatch = ignore;
  const delay = fields['watch_delay'];
  if (delay !== undefined && delay !== null) input.watchDelay = parseDuration('watch_delay', textOf('watch_delay', delay));
  const cron = parseCron('cron_restart', fields['cron_restart'], (expression) => host.cronProblem(expression));
  if (cron !== '') input.cronRestart = cron;
  if (fields['instance_var'] !== undefined) input.instanceVar = parseVariableName('instance_var', fields['instance_var']);
  if (fields['increment_var'] !== undefined) input.incrementVar = parseVariableName('increment_var', fields['increment_var']);
  const pidFile = fields['pid_file'];
  if (pidFile !== undefined && pidFile !== null) {
    if (typeof pidFile !== 'string' || pidFile.trim() === '') throw new TsmError('E_USAGE', 'pid_file must be a file path.');
    input.pidFile = resolve(cwd, pidFile);
  }
  const autostart = fields['autostart'];
  if (autostart !== undefined) {
    if (typeof autostart !== 'boolean') throw new TsmError('E_USAGE', `autostart must be true or false, got ${JSON.stringify(autostart)}.`);
    input.autostart = autostart;
  }
  const namespace = fields['namespace'];
  if (namespace !== undefined && namespace !== null) {
    if (typeof namespace !== 'string') throw new TsmError('E_USAGE', `namespace must be a word such as "backend", got ${JSON.stringify(namespace)}.`);
    input.namespace = checkAppName(namespace, 'namespace');
  }
  return unread;
}

/** Watched paths relative to the app's cwd, each of which must exist (a typo watches nothing). */
export function existingPaths(flag: string, paths: string[], cwd: string, host: EcosystemHost): string[] {
  return paths.map((path) => {
    const absolute = isAbsolute(path) ? path : resolve(cwd, path);
    if (!host.exists(absolute)) throw new TsmError('E_USAGE', `${flag} ${path}: ${absolute} does not exist; nothing to watch there.`);
    return absolute;
  });
}

function textList(key: string, value: unknown): string[] {
  if (value === undefined || value === null) return [];
  const list = Array.isArray(value) ? value : [value];
  if (list.some((item) => typeof item !== 'string')) {
    throw new TsmError('E_USAGE', `${key} must be a path or glob, or a list of them (regular expressions are not read).`);
  }
  return list as string[];
}

function textOf(key: string, value: unknown): string {
  if (typeof value !== 'string' && typeof value !== 'number') throw new TsmError('E_USAGE', `${key} must be a number of milliseconds.`);
  return String(value);
}
