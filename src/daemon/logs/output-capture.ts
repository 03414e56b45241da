import type { Readable } from 'node:stream';
import { LineSplitter } from '../../core/line-splitter.js';

export type StreamName = 'out' | 'err';

/** Where captured lines go; `write` returns false when the caller should wait for `onceDrain`. */
export interface LineWriter {
  write(stream: StreamName, line: string): boolean;
  onceDrain(callback: () => void): void;
}

/**
 * Reads one process's stdout and stderr as lines and hands each whole line to the writer. When
 * the writer is full the process's pipe is paused until it drains, so a fast writer is slowed
 * down instead of the daemon buffering without bound; nothing is dropped.
 */
export function captureOutput(source: { stdout: Readable | null; stderr: Readable | null }, writer: LineWriter): void {
  pipeLines(source.stdout, 'out', writer);
  pipeLines(source.stderr, 'err', writer);
}

function pipeLines(stream: Readable | null, name: StreamName, writer: LineWriter): void {
  if (!stream) return;
  stream.setEncoding('utf8'); // a decoder per stream keeps multi-byte characters whole across chunks
  let waiting = false;
  const splitter = new LineSplitter((line) => {
    if (!writer.write(name, line) && !waiting) {
      waiting = true;
      stream.pause();
      writer.onceDrain(() => {
        waiting = false;
        stream.resume();
      });
    }
  });
  stream.on('data', (chunk: string) => splitter.push(chunk));
  stream.once('end', () => splitter.flush());
  stream.on('error', () => splitter.flush());
}
