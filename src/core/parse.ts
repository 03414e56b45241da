import { constants } from 'node:os';
import { TsmError } from './errors.js';

/**
 * Parsers for the values users type. Each throws E_USAGE with a message that names the flag,
 * what was wrong and what would be right, so the CLI and the daemon reject the same input alike.
 */

/** `-i`: N workers, `max`/`0` one per CPU, `-N` CPUs minus N. Returned as N (>0) or an offset (<=0). */
export function parseInstances(raw: string | number, flag = '-i'): number {
  const text = String(raw).trim();
  if (text === 'max') return 0;
  if (!/^-?\d+$/.test(text)) {
    throw new TsmError(
      'E_USAGE',
      `${flag} ${text}: instances must be a whole number, 'max' or 0 (one per CPU), or -N (CPUs minus N).`,
    );
  }
  return checkInstanceCount(flag, Number(text));
}

/**
 * Each instance is a process the daemon forks and tracks: `-i 1000000000` once grew the daemon to
 * 4 GB until it aborted. No machine runs a useful 1024 workers of one app.
 */
export const MAX_INSTANCES = 1024;

/** Instances as given (N, or a CPU offset <= 0), from a flag or the wire: a whole number, at most MAX_INSTANCES. */
export function checkInstanceCount(flag: string, value: unknown): number {
  if (typeof value === 'number' && Number.isInteger(value) && value > MAX_INSTANCES) {
    throw new TsmError(
      'E_USAGE',
      `${flag} ${value.toLocaleString('en-US', { useGrouping: false })}: at most ${MAX_INSTANCES} instances. Use 'max' (or 0) for one per CPU.`,
    );
  }
  if (typeof value !== 'number' || !Number.isSafeInteger(value)) {
    throw new TsmError(
      'E_USAGE',
      `${flag} ${typeof value === 'number' || typeof value === 'string' ? String(value).slice(0, 40) : `(${typeof value})`}: ` +
        `instances must be a whole number, 'max' or 0 (one per CPU), or -N (CPUs minus N).`,
    );
  }
  return value;
}

/** Instances as a count on this machine: N, or CPUs plus a non-positive offset, at least 1. */
export function resolveInstances(requested: number, cpus: number): number {
  return requested > 0 ? requested : Math.max(1, cpus + requested);
}

const DURATION_UNITS: Record<string, number> = { ms: 1, s: 1000, m: 60_000, h: 3_600_000, d: 86_400_000 };

/** Node timers hold at most 2^31-1 ms (24.8 days); a longer delay fires after 1 ms instead. */
export const MAX_TIMER_MS = 2 ** 31 - 1;

/** Milliseconds from `1500`, `1500ms`, `2s`, `5m`, `1h`, `1d`. */
export function parseDuration(flag: string, raw: string | number): number {
  const text = String(raw).trim();
  const match = /^(\d+(?:\.\d+)?)(ms|s|m|h|d)?$/.exec(text);
  if (!match) {
    throw new TsmError('E_USAGE', `${flag} ${text}: expected a duration such as 1500 (ms), 2s, 5m, 1h or 1d.`);
  }
  const ms = Math.round(Number(match[1]) * (DURATION_UNITS[match[2] ?? 'ms'] ?? 1));
  if (ms > MAX_TIMER_MS) {
    throw new TsmError('E_USAGE', `${flag} ${text}: at most 24 days (${MAX_TIMER_MS} ms).`);
  }
  return ms;
}

export function parseCount(flag: string, raw: string | number, min = 0): number {
  const text = String(raw).trim();
  if (!/^\d+$/.test(text) || Number(text) < min) {
    throw new TsmError('E_USAGE', `${flag} ${text}: expected a whole number of at least ${min}.`);
  }
  return Number(text);
}

export function parseSignal(flag: string, raw: string): NodeJS.Signals {
  const name = raw.trim().toUpperCase();
  const full = name.startsWith('SIG') ? name : `SIG${name}`;
  if (!(full in constants.signals)) {
    throw new TsmError('E_USAGE', `${flag} ${raw}: not a signal name; try SIGINT, SIGTERM or SIGUSR2.`);
  }
  return full as NodeJS.Signals;
}

/** `--stop-exit-codes 0 3` or `0,3`: exit codes after which the app is not restarted. */
export function parseExitCodes(flag: string, raw: readonly string[]): number[] {
  return raw
    .flatMap((part) => part.split(','))
    .filter((part) => part.trim() !== '')
    .map((part) => {
      const code = Number(part.trim());
      if (!/^\d+$/.test(part.trim()) || code > 255) {
        throw new TsmError('E_USAGE', `${flag} ${part}: exit codes are whole numbers from 0 to 255.`);
      }
      return code;
    });
}

/**
 * Splits a string of arguments the way a POSIX shell splits words, without expanding anything:
 * whitespace separates words, single quotes keep everything literally, double quotes keep
 * spaces (a backslash escapes " \\ $ ` there), a backslash outside quotes keeps the next
 * character. `--name "a b"` is two words, as PM2 users expect from `args: '--name "a b"'`.
 */
export function splitArgs(raw: string, flag = 'args'): string[] {
  const words: string[] = [];
  let word = '';
  let inWord = false;
  let quote: '"' | "'" | null = null;
  for (let i = 0; i < raw.length; i += 1) {
    const char = raw[i]!;
    if (quote === "'") {
      if (char === "'") quote = null;
      else word += char;
    } else if (quote === '"') {
      if (char === '"') quote = null;
      else if (char === '\\' && i + 1 < raw.length && '"\\$`'.includes(raw[i + 1]!)) word += raw[(i += 1)]!;
      else word += char;
    } else if (/\s/.test(char)) {
      if (inWord) words.push(word);
      word = '';
      inWord = false;
    } else {
      inWord = true;
      if (char === '"' || char === "'") quote = char;
      else if (char === '\\' && i + 1 < raw.length) word += raw[(i += 1)]!;
      else word += char;
    }
  }
  if (quote !== null) throw new TsmError('E_USAGE', `${flag} ${raw}: a ${quote} quote is not closed.`);
  if (inWord) words.push(word);
  return words;
}

/**
 * Apps are addressed by name on the command line. A name may hold spaces (PM2 accepts them; a
 * shell keeps `tsm restart "my app"` whole, and log file names percent-encode them), but not
 * slashes (a name is no path), control characters, or space at either end (invisible in a list).
 */
export function checkAppName(name: string, flag = '--name'): string {
  if (
    name === '' ||
    name === 'all' ||
    /^\d+$/.test(name) ||
    /[/\\\u0000-\u001f\u007f]/.test(name) ||
    name.trim() !== name
  ) {
    throw new TsmError(
      'E_USAGE',
      `${flag} ${JSON.stringify(name)}: a name must not be empty, 'all', only digits (those are ids), ` +
        'contain slashes or control characters, or start or end with a space.',
    );
  }
  return name;
}

const SIZE_UNITS: Record<string, number> = { '': 1, B: 1, K: 1024, M: 1024 ** 2, G: 1024 ** 3 };

/** Bytes from `10M`, `500K`, `1G`, `2048` (PM2's and logrotate's way of writing sizes). */
export function parseSize(flag: string, raw: string | number): number {
  const text = String(raw).trim();
  const match = /^(\d+)\s*([BKMG]?)B?$/i.exec(text);
  if (!match) throw new TsmError('E_USAGE', `${flag} ${text}: expected a size such as 10M, 500K or 1G.`);
  return Number(match[1]) * (SIZE_UNITS[(match[2] ?? '').toUpperCase()] ?? 1);
}

/**
 * A rotation interval rotating-file-stream accepts: N days (`1d`) or months (`1M`), or hours,
 * minutes, seconds that divide a day, an hour, a minute (`12h`, `15m`, `30s`).
 */
export function parseRotateInterval(flag: string, raw: string): string {
  const text = raw.trim();
  const match = /^(\d+)([Mdhms])$/.exec(text);
  const divides = (n: number, whole: number): boolean => n > 0 && whole % n === 0;
  const ok =
    match !== null &&
    Number(match[1]) > 0 &&
    (match[2] === 'd' || match[2] === 'M' ||
      (match[2] === 'h' && divides(Number(match[1]), 24)) ||
      ((match[2] === 'm' || match[2] === 's') && divides(Number(match[1]), 60)));
  if (!ok) {
    throw new TsmError(
      'E_USAGE',
      `${flag} ${text}: expected an interval such as 1d, 7d, 1M, 12h, 6h, 30m or 30s (hours divide 24, minutes and seconds divide 60).`,
    );
  }
  return text;
}

/** A variable's name and value as execve() takes them, 'NAME=value', must fit MAX_ARG_STRLEN (128 KiB on Linux). */
export const MAX_ENV_ENTRY_BYTES = 128 * 1024 - 1;
/** An app's whole environment: far below the kernel's total for arguments and environment (about 2 MiB). */
export const MAX_ENV_BYTES = 512 * 1024;
export const MAX_ENV_KEYS = 4096;

/**
 * An app's environment as sent on the wire: a flat map of names to strings. Anything else would
 * reach the app as '[object Object]' or make its spawn fail with E2BIG, so it is refused, naming
 * the variable.
 */
export function checkEnv(where: string, env: unknown): Record<string, string> {
  if (typeof env !== 'object' || env === null || Array.isArray(env)) {
    throw new TsmError('E_USAGE', `${where}: expected a map of variable names to strings.`);
  }
  const entries = Object.entries(env);
  if (entries.length > MAX_ENV_KEYS) {
    throw new TsmError('E_USAGE', `${where}: ${entries.length} variables; at most ${MAX_ENV_KEYS}.`);
  }
  let total = 0;
  for (const [key, value] of entries) {
    const name = clipName(key);
    if (key === '' || key.includes('=') || key.includes('\0')) {
      throw new TsmError('E_USAGE', `${where}: ${name} is not a variable name (empty, or holds '=' or a NUL byte).`);
    }
    if (typeof value !== 'string') {
      const kind = value === null ? 'null' : Array.isArray(value) ? 'a list' : typeof value === 'object' ? 'an object' : `a ${typeof value}`;
      throw new TsmError('E_USAGE', `${where}: ${name} must be a string, got ${kind}. Environment variables are text: send "${name}": "<value>".`);
    }
    if (value.includes('\0')) {
      throw new TsmError('E_USAGE', `${where}: the value of ${name} holds a NUL byte, which an environment cannot carry.`);
    }
    const bytes = Buffer.byteLength(key) + 1 + Buffer.byteLength(value);
    if (bytes > MAX_ENV_ENTRY_BYTES) {
      throw new TsmError('E_USAGE', `${where}: ${name} is ${bytes} bytes; one variable may hold at most ${MAX_ENV_ENTRY_BYTES} (the kernel's limit).`);
    }
    total += bytes + 1;
  }
  if (total > MAX_ENV_BYTES) {
    throw new TsmError('E_USAGE', `${where}: the environment is ${total} bytes; at most ${MAX_ENV_BYTES}.`);
  }
  return env as Record<string, string>;
}

/** A name as it may appear in a message: a hostile one can be a megabyte long. */
function clipName(name: string): string {
  return name.length > 64 ? `${name.slice(0, 64)}…` : name;
}

const MEMORY_UNITS: Record<string, number> = { '': 1, K: 1024, M: 1024 ** 2, G: 1024 ** 3 };

/**
 * A memory limit in bytes: a number of bytes, or PM2's `512K`, `300M`, `1G` (also `300MB`,
 * `1.5G`, any case). 0 means no limit. A unit without a number, or a negative size, is refused.
 */
export function parseMemory(flag: string, raw: string | number): number {
  const text = String(raw).trim();
  const match = /^(\d+(?:\.\d+)?)\s*([KMG]?)B?$/i.exec(text);
  if (!match) {
    throw new TsmError('E_USAGE', `${flag} ${text === '' ? '""' : text}: expected a memory size such as 300M, 1G, 512K, or a number of bytes.`);
  }
  const bytes = Math.round(Number(match[1]) * (MEMORY_UNITS[(match[2] ?? '').toUpperCase()] ?? 1));
  if (!Number.isSafeInteger(bytes)) throw new TsmError('E_USAGE', `${flag} ${text}: too large.`);
  return bytes;
}

/** Cron's shorthand names (@daily...), which croner and most crons read like their expressions. */
const CRON_NICKNAMES = new Set(['@yearly', '@annually', '@monthly', '@weekly', '@daily', '@midnight', '@hourly']);

/**
 * A cron restart expression as given: '' (also `0`, PM2's way of turning it off) for none, else
 * 5 fields (minute first) or 6 (second first), or a nickname such as @daily. Whether each field
 * is valid is the cron library's business: `problem` asks it, so the CLI and the daemon agree
 * with the scheduler that runs it, while this file stays free of I/O and dependencies.
 */
export function parseCron(flag: string, raw: unknown, problem: (expression: string) => string | null): string {
  if (raw === undefined || raw === null || raw === false || raw === 0) return '';
  if (typeof raw !== 'string') {
    throw new TsmError('E_USAGE', `${flag} ${JSON.stringify(raw)}: expected a cron expression such as "0 3 * * *" (or 0 for none).`);
  }
  const text = raw.trim().replace(/\s+/g, ' ');
  if (text === '' || text === '0') return '';
  const fields = text.split(' ').length;
  if (!CRON_NICKNAMES.has(text.toLowerCase()) && fields !== 5 && fields !== 6) {
    throw new TsmError(
      'E_USAGE',
      `${flag} "${text}": a cron expression has 5 fields (minute hour day month weekday) or 6 (seconds first); this one has ${fields}.`,
    );
  }
  const why = problem(text);
  if (why !== null) throw new TsmError('E_USAGE', `${flag} "${text}": not a valid cron expression: ${why}.`);
  return text;
}

/** A variable name for instance_var/increment_var: what a shell could export. */
export function parseVariableName(flag: string, raw: unknown): string {
  if (typeof raw !== 'string' || !/^[A-Za-z_][A-Za-z0-9_]*$/.test(raw.trim())) {
    throw new TsmError('E_USAGE', `${flag} ${JSON.stringify(raw)}: expected a variable name such as PORT or NODE_APP_INSTANCE.`);
  }
  return raw.trim();
}

/**
 * `watch`: true (the app's cwd), false (off), or one path or a list of paths. Paths come back as
 * given (relative or absolute); the caller resolves them against the app's cwd and checks they
 * exist, which is I/O.
 */
export function parseWatch(flag: string, raw: unknown): boolean | string[] {
  if (raw === true || raw === false) return raw;
  const list = typeof raw === 'string' ? [raw] : raw;
  if (!Array.isArray(list) || list.some((path) => typeof path !== 'string' || path.trim() === '')) {
    throw new TsmError('E_USAGE', `${flag} ${JSON.stringify(raw)}: expected true, false, a path, or a list of paths.`);
  }
  return list.length === 0 ? false : (list as string[]).map((path) => path.trim());
}
