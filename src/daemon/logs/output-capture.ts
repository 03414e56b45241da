import type { Readable, Writable } from 'node:stream';
import { LineSplitter } from '../../core/line-splitter.js';

export type StreamName = 'out' | 'err';

/**
 * Reads one process's stdout and stderr as lines and writes each whole line to its sink. When a
 * sink is full the process's pipe is paused until it drains, so a fast writer is slowed down
 * instead of the daemon buffering without bound; nothing is dropped.
 */
export function captureOutput(
  source: { stdout: Readable | null; stderr: Readable | null },
  sinks: Record<StreamName, Writable>,
  onLine: (stream: StreamName, line: string) => void,
): void {
  pipeLines(source.stdout, sinks.out, (line) => onLine('out', line));
  pipeLines(source.stderr, sinks.err, (line) => onLine('err', line));
}

function pipeLines(stream: Readable | null, sink: Writable, onLine: (line: string) => void): void {
  if (!stream) return;
  stream.setEncoding('utf8'); // a decoder per stream keeps multi-byte characters whole across chunks
  const splitter = new LineSplitter((line) => {
    onLine(line);
    if (!sink.write(`${line}\n`) && !stream.isPaused()) {
      stream.pause();
      sink.once('drain', () => stream.resume());
    }
  });
  stream.on('data', (chunk: string) => splitter.push(chunk));
  stream.once('end', () => splitter.flush());
  stream.on('error', () => splitter.flush());
}
