import { basename, dirname, extname, join } from 'node:path';
import { defaultLogFile } from './paths.js';

/** How an app's output is written: where, in what form, and how files are rotated. */
export interface LogSpec {
  /** An absolute path, null for no file (`NULL`, /dev/null), undefined for the default name. */
  out?: string | null;
  err?: string | null;
  /** `-l`: stdout and stderr together, in addition to the per-stream files. */
  combined: string | null;
  /** Cluster instances share one file per stream instead of `-<id>` files. */
  merge: boolean;
  /** A date format put in front of every line (`--time`, `--log-date-format`), or null. */
  dateFormat: string | null;
  /** `json`: one object per line with message, timestamp, type, app_name, process_id. */
  type: 'text' | 'json';
  rotation: RotationSpec;
}

export interface RotationSpec {
  /** Rotate when a file reaches this many bytes; 0: never by size. */
  maxSize: number;
  /** Rotated files kept per log file. */
  retain: number;
  compress: boolean;
  /** rotating-file-stream's interval (`1d`, `12h`...), or null. */
  interval: string | null;
}

/**
 * Defaults that keep a runaway app from filling the disk: each log file rotates at 10 MB and 5
 * rotated files are kept, so one stream holds at most 60 MB. PM2 has no rotation without a module.
 */
export const DEFAULT_ROTATION: RotationSpec = { maxSize: 10 * 1024 * 1024, retain: 5, compress: false, interval: null };

/** `--time` without a format: local time to the second, as PM2 prints it. */
export const DEFAULT_DATE_FORMAT = 'YYYY-MM-DDTHH:mm:ss';

export function defaultLogSpec(): LogSpec {
  return { combined: null, merge: false, dateFormat: null, type: 'text', rotation: { ...DEFAULT_ROTATION } };
}

/** `NULL` and /dev/null turn a file off, as in PM2. */
export function isNullFile(path: string): boolean {
  return path === 'NULL' || path === '/dev/null';
}

export interface LogFiles {
  out: string | null;
  err: string | null;
  combined: string | null;
}

/**
 * Whether each instance of an app writes its own files: in cluster mode, and in fork mode with
 * several instances (PM2 does so too; one file written by several processes interleaves their
 * lines and cannot be told apart). Pass the result as `logFilesFor`'s `perInstance`.
 */
export function logsPerInstance(spec: { execMode: 'fork' | 'cluster'; instances: number }): boolean {
  return spec.execMode === 'cluster' || spec.instances > 1;
}

/**
 * The files of one process. When `perInstance` (see logsPerInstance), each instance gets its own
 * files, named with its id (`web-out-3.log`, or `app-3.log` for a path given with -o), unless
 * logs are merged.
 */
export function logFilesFor(name: string, logs: LogSpec, logsDir: string, perInstance: boolean, id: number): LogFiles {
  const suffix = perInstance && !logs.merge ? id : undefined;
  const pick = (given: string | null | undefined, stream: 'out' | 'error'): string | null => {
    if (given === null) return null;
    if (given === undefined) return defaultLogFile(logsDir, name, stream, suffix);
    return withSuffix(given, suffix);
  };
  return { out: pick(logs.out, 'out'), err: pick(logs.err, 'error'), combined: logs.combined === null ? null : withSuffix(logs.combined, suffix) };
}

function withSuffix(path: string, suffix: number | undefined): string {
  if (suffix === undefined) return path;
  const ext = extname(path);
  return join(dirname(path), `${basename(path, ext)}-${suffix}${ext}`);
}
