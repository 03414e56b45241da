import { connect, type Socket } from 'node:net';
import { waitFor } from './wait.js';

/** A frame as the daemon sends it, loosely typed: tests look at what arrived, not at what should. */
export interface AnyFrame {
  type?: string;
  id?: number;
  ok?: boolean;
  result?: unknown;
  error?: { code: string; message: string };
  event?: string;
  data?: unknown;
  [key: string]: unknown;
}

/**
 * A client that speaks to the daemon's socket byte by byte, as a broken or hostile one would:
 * raw text is written as given, and what comes back is collected, counted and parsed by line.
 * `pause()` stops reading at the socket, as a client that never reads.
 */
export class RawClient {
  readonly frames: AnyFrame[] = [];
  bytesRead = 0;
  /** False keeps only type, id, ok, error and event of each frame: 20,000 tables would fill the test's memory. */
  keepBodies = true;
  private partial = '';
  private closed = false;

  private constructor(private readonly socket: Socket) {
    socket.setEncoding('utf8');
    socket.on('data', (text: string) => {
      this.bytesRead += Buffer.byteLength(text);
      const lines = (this.partial + text).split('\n');
      this.partial = lines.pop() ?? '';
      for (const line of lines) {
        if (line === '') continue;
        const frame = JSON.parse(line) as AnyFrame;
        this.frames.push(this.keepBodies ? frame : { type: frame.type, id: frame.id, ok: frame.ok, error: frame.error, event: frame.event });
      }
    });
    socket.on('error', () => {});
    socket.on('close', () => {
      this.closed = true;
    });
  }

  /** Connects and waits for the hello, the first line the daemon sends. */
  static async open(socketPath: string): Promise<{ client: RawClient; hello: AnyFrame }> {
    const socket = connect(socketPath);
    await new Promise<void>((resolve, reject) => {
      socket.once('connect', resolve);
      socket.once('error', reject);
    });
    const client = new RawClient(socket);
    const hello = await client.next((frame) => frame.type === 'hello');
    return { client, hello };
  }

  write(text: string): Promise<void> {
    return new Promise((resolve, reject) => this.socket.write(text, (error) => (error ? reject(error) : resolve())));
  }

  /** Writes a request frame and waits for its reply. */
  async request(frame: Record<string, unknown>, timeoutMs = 10_000): Promise<AnyFrame> {
    await this.write(`${JSON.stringify(frame)}\n`);
    return this.reply(frame['id'] as number, timeoutMs);
  }

  reply(id: number, timeoutMs = 10_000): Promise<AnyFrame> {
    return this.next((frame) => frame.type === 'reply' && frame.id === id, timeoutMs);
  }

  next(match: (frame: AnyFrame) => boolean, timeoutMs = 10_000): Promise<AnyFrame> {
    return waitFor('a frame from the daemon', () => this.frames.find(match), { timeoutMs, intervalMs: 10 });
  }

  pause(): void {
    this.socket.pause();
  }

  resume(): void {
    this.socket.resume();
  }

  get isClosed(): boolean {
    return this.closed;
  }

  close(): void {
    this.socket.destroy();
  }
}
