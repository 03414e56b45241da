import { DEFAULT_DATE_FORMAT } from '../../core/log-spec.js';
import { parseCount } from '../../core/parse.js';
import type { Events, LogLine } from '../../protocol/events.js';
import type { ProcessInfo } from '../../protocol/process-info.js';
import type { CliContext } from '../context.js';
import { withDaemon } from '../daemon-call.js';
import { overlapAtJoin } from '../logs/join-tail.js';
import { LinePrinter, type PrintOptions } from '../logs/line-printer.js';
import { readLastLines } from '../logs/read-tail.js';
import { notice } from '../print.js';
import { loadPalette } from '../render/colors.js';

export interface LogsFlags {
  lines?: string;
  err?: boolean;
  out?: boolean;
  nostream?: boolean;
  raw?: boolean;
  json?: boolean;
  timestamp?: string | boolean;
}

/**
 * `tsm logs [app]`: the last lines of each selected file, then new lines as the daemon pushes
 * them, until Ctrl-C. With no app: every app, and the daemon's own log.
 */
export async function logs(ctx: CliContext, target: string | undefined, flags: LogsFlags): Promise<void> {
  const count = flags.lines === undefined ? 15 : parseCount('--lines', flags.lines);
  const streams: Array<'out' | 'err'> = flags.err && !flags.out ? ['err'] : flags.out && !flags.err ? ['out'] : ['out', 'err'];
  const options: PrintOptions = {
    raw: flags.raw === true,
    json: flags.json === true,
    timestamp: flags.timestamp === undefined || flags.timestamp === false ? null : flags.timestamp === true ? DEFAULT_DATE_FORMAT : flags.timestamp,
  };
  const colors = await loadPalette(ctx.env, ctx.stdout);
  await withDaemon(ctx, true, async (connection) => {
    const daemon = connection!;
    const all = target === undefined || target === 'all';
    const processes = all ? await daemon.request('list', {}) : await daemon.request('describe', { targets: [target] });
    const printer = new LinePrinter(colors, options, processes.map((p) => p.name));
    // Subscribed first, so lines written while the files are read are held, not lost.
    const held: LogLine[] = [];
    let following = false;
    if (!flags.nostream) {
      daemon.onEvent((event, data) => {
        if (event === 'log-line' && !following) held.push(data as LogLine);
        else if (event === 'log-line') ctx.stdout.write(`${printer.format(data as LogLine)}\n`);
        else if (event === 'lines-skipped') {
          void notice(ctx, `${(data as Events['lines-skipped']).count} lines skipped: this terminal read slower than the apps wrote (the files have them)`);
        }
      });
      await daemon.request('subscribe', { topics: ['logs'], ...(all ? {} : { targets: [target] }), streams });
    }
    const files = filesOf(processes, streams);
    if (all && !flags.err && !flags.out) files.push({ path: ctx.paths.daemonLog, id: -1, name: 'tsm', stream: 'daemon' });
    const tails = new Map<string, string[]>();
    for (const file of files) {
      const lines = await readLastLines(file.path, count);
      tails.set(file.path, lines);
      if (!options.raw && !options.json) ctx.stdout.write(`${colors.dim(`${file.path} (last ${count} lines):`)}\n`);
      for (const line of lines) ctx.stdout.write(`${printer.format({ ...file, line })}\n`);
    }
    if (flags.nostream) return;
    const pathOf = (line: LogLine): string | null | undefined => {
      if (line.stream === 'daemon') return ctx.paths.daemonLog;
      const p = processes.find((candidate) => candidate.id === line.id);
      return line.stream === 'out' ? p?.outLog : p?.errLog;
    };
    for (const line of withoutRepeats(held, tails, pathOf)) ctx.stdout.write(`${printer.format(line)}\n`);
    following = true;
    await untilInterrupted(daemon.waitClosed());
  });
}

/** The held live lines, less those each file's tail already showed (see overlapAtJoin). */
function withoutRepeats(
  held: readonly LogLine[],
  tails: Map<string, string[]>,
  fileOf: (line: LogLine) => string | null | undefined,
): LogLine[] {
  const repeats = new Set<LogLine>();
  for (const [path, tail] of tails) {
    const live = held.filter((line) => fileOf(line) === path);
    const k = overlapAtJoin(tail, live.map((line) => line.line));
    for (const line of live.slice(0, k)) repeats.add(line);
  }
  return held.filter((line) => !repeats.has(line));
}

interface FileToRead {
  path: string;
  id: number;
  name: string;
  stream: 'out' | 'err' | 'daemon';
}

/** Each file once: merged logs share one file among instances. */
function filesOf(processes: readonly ProcessInfo[], streams: Array<'out' | 'err'>): FileToRead[] {
  const seen = new Set<string>();
  const files: FileToRead[] = [];
  for (const p of [...processes].sort((a, b) => a.id - b.id)) {
    for (const stream of streams) {
      const path = stream === 'out' ? p.outLog : p.errLog;
      if (path === null || seen.has(path)) continue;
      seen.add(path);
      files.push({ path, id: p.id, name: p.name, stream });
    }
  }
  return files;
}

/** Ctrl-C ends following cleanly (exit 0); so does the daemon going away. */
function untilInterrupted(closed: Promise<void>): Promise<void> {
  return new Promise((resolve) => {
    const stop = (): void => {
      process.off('SIGINT', stop);
      process.off('SIGTERM', stop);
      resolve();
    };
    process.once('SIGINT', stop);
    process.once('SIGTERM', stop);
    void closed.then(stop);
  });
}
