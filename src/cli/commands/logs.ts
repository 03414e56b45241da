import { DEFAULT_DATE_FORMAT } from '../../core/log-spec.js';
import { parseCount } from '../../core/parse.js';
import type { Events } from '../../protocol/events.js';
import type { ProcessInfo } from '../../protocol/process-info.js';
import type { CliContext } from '../context.js';
import { withDaemon } from '../daemon-call.js';
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
    for (const file of filesOf(processes, streams)) {
      const lines = await readLastLines(file.path, count);
      if (!options.raw && !options.json) ctx.stdout.write(`${colors.dim(`${file.path} (last ${count} lines):`)}\n`);
      for (const line of lines) ctx.stdout.write(`${printer.format({ ...file, line })}\n`);
    }
    if (all && !flags.err && !flags.out) {
      const lines = await readLastLines(ctx.paths.daemonLog, count);
      if (!options.raw && !options.json) ctx.stdout.write(`${colors.dim(`${ctx.paths.daemonLog} (last ${count} lines):`)}\n`);
      for (const line of lines) ctx.stdout.write(`${printer.format({ id: -1, name: 'tsm', stream: 'daemon', line })}\n`);
    }
    if (flags.nostream) return;
    daemon.onEvent((event, data) => {
      if (event === 'log-line') {
        ctx.stdout.write(`${printer.format(data as Events['log-line'])}\n`);
      } else if (event === 'lines-skipped') {
        void notice(ctx, `${(data as Events['lines-skipped']).count} lines skipped: this terminal read slower than the apps wrote (the files have them)`);
      }
    });
    await daemon.request('subscribe', { topics: ['logs'], ...(all ? {} : { targets: [target] }), streams });
    await untilInterrupted(daemon.waitClosed());
  });
}

interface FileToRead {
  path: string;
  id: number;
  name: string;
  stream: 'out' | 'err';
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
