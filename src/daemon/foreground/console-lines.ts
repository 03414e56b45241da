import { formatDate } from '../../core/log-format.js';
import type { LogLine } from '../../protocol/events.js';
import type { EventHub } from '../event-hub.js';
import type { Registry } from '../registry.js';

/** Where the foreground daemon prints: the process's stdout and stderr, given by the bin script. */
export interface ConsoleStreams {
  stdout: { write(text: string): unknown };
  stderr: { write(text: string): unknown };
}

/**
 * One line as tsm-runtime prints it: `web-0 | line` (the app's name and id, as `tsm list` shows
 * them; the daemon's own lines as `tsm | ...`), or with `json` one object per line that log
 * collectors read as it is. `dateFormat` is the app's --time / --log-date-format.
 */
export function formatConsoleLine(line: LogLine, json: boolean, dateFormat: string | null): string {
  if (json) {
    return JSON.stringify({
      time: new Date(line.at).toISOString(),
      app: line.name,
      id: line.id < 0 ? null : line.id,
      stream: line.stream,
      message: line.line,
    });
  }
  const label = line.stream === 'daemon' ? 'tsm' : `${line.name}-${line.id}`;
  const time = dateFormat ? `${formatDate(line.at, dateFormat)} ` : '';
  return `${label} | ${time}${line.line}`;
}

/**
 * Follows the daemon's line events (the ones `tsm logs` follows: one code path for both) and
 * prints them: an app's stdout lines on stdout, its stderr lines and the daemon's own on stderr.
 * `apps: false` prints only the daemon's lines (the systemd unit: apps keep their log files, the
 * journal gets what the daemon did). Writes to a pipe are synchronous on Linux, so a reader that
 * stops reading slows the daemon down rather than growing its memory.
 */
export function printLines(hub: EventHub, registry: Registry, streams: ConsoleStreams, options: { json: boolean; apps: boolean }): void {
  hub.on('line', (line) => {
    if (line.stream !== 'daemon' && !options.apps) return;
    const dateFormat = line.stream === 'daemon' ? null : (registry.get(line.id)?.spec.logs.dateFormat ?? null);
    const text = `${formatConsoleLine(line, options.json, dateFormat)}\n`;
    (line.stream === 'out' ? streams.stdout : streams.stderr).write(text);
  });
}
