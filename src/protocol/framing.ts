/**
 * Newline-delimited JSON over a stream socket. One decoder per connection collects bytes until a
 * newline and parses the frame; bad JSON and oversized frames are reported, not thrown, so the
 * peer can answer with an error and carry on with the next line.
 */
export type DecodeResult = { ok: true; value: unknown } | { ok: false; reason: string };

export class FrameDecoder {
  private chunks: Buffer[] = [];
  private size = 0;
  private discarding = false; // inside a frame already reported as too large

  constructor(
    private readonly maxBytes: number,
    private readonly onFrame: (result: DecodeResult) => void,
  ) {}

  push(chunk: Buffer): void {
    let start = 0;
    for (let nl = chunk.indexOf(10, start); nl !== -1; nl = chunk.indexOf(10, start)) {
      this.append(chunk.subarray(start, nl));
      this.finishFrame();
      start = nl + 1;
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
