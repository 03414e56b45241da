/**
 * Newline-delimited JSON over a stream socket. One decoder per connection collects bytes until a
 * newline and parses the frame; bad JSON and oversized frames are reported, not thrown, so the
 * peer can answer with an error and carry on with the next line.
 *
 * A decoder can be paused from inside `onFrame`: one chunk read from a socket may hold thousands
 * of small frames, and a reader that must stop taking requests (too many in flight) would
 * otherwise get them all at once. The bytes after the frame that paused it are held, undecoded,
 * until `resume()`; with the socket paused too, that is at most the chunks already read.
 */
export type DecodeResult = { ok: true; value: unknown } | { ok: false; reason: string };

export class FrameDecoder {
  private chunks: Buffer[] = [];
  private size = 0;
  private discarding = false; // inside a frame already reported as too large
  private paused = false;
  private held: Buffer[] = [];

  constructor(
    private readonly maxBytes: number,
    private readonly onFrame: (result: DecodeResult) => void,
  ) {}

  push(chunk: Buffer): void {
    if (this.paused) {
      this.held.push(chunk);
      return;
    }
    this.scan(chunk);
  }

  /** Stops delivering frames; takes effect after the frame being delivered, if any. */
  pause(): void {
    this.paused = true;
  }

  /** Delivers the held bytes' frames (until paused again), then frames as they are pushed. */
  resume(): void {
    this.paused = false;
    while (!this.paused && this.held.length > 0) this.scan(this.held.shift()!);
  }

  get isPaused(): boolean {
    return this.paused;
  }

  private scan(chunk: Buffer): void {
    let start = 0;
    for (let nl = chunk.indexOf(10, start); nl !== -1; nl = chunk.indexOf(10, start)) {
      this.append(chunk.subarray(start, nl));
      this.finishFrame();
      start = nl + 1;
      if (this.paused) {
        if (start < chunk.length) this.held.unshift(chunk.subarray(start));
        return;
      }
    }
    this.append(chunk.subarray(start));
  }

  private append(part: Buffer): void {
    if (this.discarding || part.length === 0) return;
    this.size += part.length;
    if (this.size > this.maxBytes) {
      this.chunks = [];
      this.size = 0;
      this.discarding = true;
      this.onFrame({ ok: false, reason: `frame larger than ${this.maxBytes} bytes` });
      return;
    }
    this.chunks.push(part);
  }

  private finishFrame(): void {
    if (this.discarding) {
      this.discarding = false;
      return;
    }
    const text = Buffer.concat(this.chunks).toString('utf8');
    this.chunks = [];
    this.size = 0;
    if (text.trim() === '') return;
    try {
      this.onFrame({ ok: true, value: JSON.parse(text) });
    } catch (error) {
      this.onFrame({ ok: false, reason: `malformed JSON (${(error as Error).message})` });
    }
  }
}

export function encodeFrame(frame: unknown): string {
  return `${JSON.stringify(frame)}\n`;
}
