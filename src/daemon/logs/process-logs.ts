import { formatLine } from '../../core/log-format.js';
import type { LogSpec } from '../../core/log-spec.js';
import type { ProcEntry } from '../registry.js';
import type { LogFile } from './log-file.js';
import type { LogSinks } from './log-sinks.js';
import type { LineWriter, StreamName } from './output-capture.js';

/**
 * The log files of one process run: each line formatted once (timestamp, JSON) and written to
 * its stream's file and to the combined file. Holds its files while the process lives.
 */
export class ProcessLogs implements LineWriter {
  private readonly out: LogFile | null;
  private readonly err: LogFile | null;
  private readonly combined: LogFile | null;
  private readonly spec: LogSpec;

  constructor(
    private readonly entry: ProcEntry,
    private readonly sinks: LogSinks,
    private readonly onLine: (stream: StreamName, line: string) => void,
  ) {
    this.spec = entry.spec.logs;
    const open = (path: string | null): LogFile | null => (path === null ? null : sinks.acquire(path, this.spec.rotation));
    this.out = open(entry.logs.out);
    this.err = open(entry.logs.err);
    this.combined = open(entry.logs.combined);
  }

  write(stream: StreamName, line: string): boolean {
    this.onLine(stream, line);
    const text = `${formatLine(line, { stream, at: Date.now(), name: this.entry.spec.name, id: this.entry.id }, this.spec)}\n`;
    const own = stream === 'out' ? this.out : this.err;
    const a = own ? own.write(text) : true;
    const b = this.combined ? this.combined.write(text) : true;
    return a && b;
  }

  onceDrain(callback: () => void): void {
    // Waiting on the first full file is enough: a second full one stops the next line again.
    const full = [this.out, this.err, this.combined].find((file) => file?.full);
    if (full) full.once('drain', callback);
    else callback();
  }

  release(): void {
    for (const file of [this.out, this.err, this.combined]) if (file) this.sinks.release(file.path);
  }
}
