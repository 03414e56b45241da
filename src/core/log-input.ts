import { resolve } from 'node:path';
import type { LogInput } from './app-spec.js';
import { TsmError } from './errors.js';
import { DEFAULT_DATE_FORMAT, isNullFile } from './log-spec.js';
import { parseCount, parseRotateInterval, parseSize } from './parse.js';

/** Log options as typed, on the command line or in an ecosystem file. */
export interface RawLogOptions {
  out?: string;
  err?: string;
  combined?: string;
  merge?: boolean;
  time?: boolean;
  dateFormat?: string;
  type?: string;
  maxSize?: string;
  retain?: string;
  compress?: boolean;
  interval?: string;
}

/** What each option is called where it was typed (`--log-max-size`, `log_max_size`), for messages. */
export type LogOptionNames = Record<keyof RawLogOptions, string>;

/**
 * Log options to a LogInput, the same for flags and ecosystem fields: paths relative to the app's
 * cwd (NULL and /dev/null kept), --time as the default date format, sizes and intervals parsed.
 */
export function toLogInput(raw: RawLogOptions, appCwd: string, names: LogOptionNames): LogInput {
  const logs: LogInput = {};
  const path = (value: string): string => (isNullFile(value) ? value : resolve(appCwd, value));
  if (raw.out !== undefined) logs.out = path(raw.out);
  if (raw.err !== undefined) logs.err = path(raw.err);
  if (raw.combined !== undefined) logs.combined = path(raw.combined);
  if (raw.merge) logs.merge = true;
  if (raw.dateFormat !== undefined) {
    if (raw.dateFormat.trim() === '') throw new TsmError('E_USAGE', `${names.dateFormat}: expected a format such as "YYYY-MM-DD HH:mm:ss Z".`);
    logs.dateFormat = raw.dateFormat;
  } else if (raw.time) {
    logs.dateFormat = DEFAULT_DATE_FORMAT;
  }
  if (raw.type !== undefined) {
    if (raw.type !== 'json' && raw.type !== 'text') {
      throw new TsmError('E_USAGE', `${names.type} ${raw.type}: expected json (or text, the default).`);
    }
    logs.type = raw.type;
  }
  if (raw.maxSize !== undefined) logs.maxSize = parseSize(names.maxSize, raw.maxSize);
  if (raw.retain !== undefined) logs.retain = parseCount(names.retain, raw.retain, 1);
  if (raw.compress) logs.compress = true;
  if (raw.interval !== undefined) logs.interval = parseRotateInterval(names.interval, raw.interval);
  return logs;
}
