import { createWriteStream, type WriteStream } from 'node:fs';

/**
 * Append-only log files shared by path: two processes writing one file (merged logs) share one
 * stream, so their lines interleave whole instead of tearing each other's writes.
 */
export class LogSinks {
  private readonly open = new Map<string, { stream: WriteStream; refs: number }>();

  acquire(path: string): WriteStream {
    const existing = this.open.get(path);
    if (existing) {
      existing.refs += 1;
      return existing.stream;
    }
    const stream = createWriteStream(path, { flags: 'a' });
    // A full disk or a removed folder must not crash the daemon; the next open tries again.
    stream.on('error', () => this.open.delete(path));
    this.open.set(path, { stream, refs: 1 });
    return stream;
  }

  release(path: string): void {
    const entry = this.open.get(path);
    if (!entry) return;
    entry.refs -= 1;
    if (entry.refs <= 0) {
      this.open.delete(path);
      entry.stream.end();
    }
  }

  async closeAll(): Promise<void> {
    const streams = [...this.open.values()].map((entry) => entry.stream);
    this.open.clear();
    await Promise.all(
      streams.map((stream) => new Promise<void>((resolve) => stream.end(() => resolve()))),
    );
  }
}
