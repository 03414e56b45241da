import type { Socket } from 'node:net';
import { TsmError } from '../../core/errors.js';
import { clip } from '../../protocol/bounds.js';
import { MAX_REQUEST_BYTES, type HelloFrame, type ReplyFrame, type RequestFrame, type ServerFrame } from '../../protocol/frames.js';
import { encodeFrame, FrameDecoder, type DecodeResult } from '../../protocol/framing.js';
import { protocolError, readRequest } from '../../protocol/request.js';
import type { Logger } from '../logger.js';
import { CONNECTION_LIMITS, type ConnectionLimits } from './limits.js';

/** Answers one checked request; never rejects (a failure is an error reply). */
export type RequestHandler = (request: RequestFrame, connection: ClientConnection) => Promise<ReplyFrame>;

/**
 * One client of the control socket, from its hello to its close. Its frames are checked at the
 * border (readRequest) before anything uses them; what it may cost is bounded (see limits.ts):
 * the socket is read only while few requests are in flight and the client reads its replies,
 * a client far behind is dropped, and whatever its requests registered (subscriptions) is
 * released when it closes, however it closes.
 */
export class ClientConnection {
  private inFlight = 0;
  private readingPaused = false;
  private subscriptions = 0;
  private refused = 0;
  private closed = false;
  /** Frames of this turn, written together (see flush). */
  private outbox: string[] = [];
  private outboxBytes = 0;
  private flushQueued = false;
  private readonly closeCallbacks: Array<() => void> = [];
  private readonly decoder: FrameDecoder;

  constructor(
    private readonly socket: Socket,
    private readonly logger: Logger,
    private readonly handle: RequestHandler,
    /** Names the client in log lines, e.g. `client 12`. */
    private readonly label = 'a client',
    private readonly limits: ConnectionLimits = CONNECTION_LIMITS,
  ) {
    this.decoder = new FrameDecoder(MAX_REQUEST_BYTES, (decoded) => this.onFrame(decoded));
    socket.on('error', () => {}); // the client went away mid-write; 'close' follows
    socket.on('drain', () => this.updateReading());
    socket.once('close', () => this.onSocketClose());
  }

  /** Greets the client, then starts reading its requests. */
  start(hello: HelloFrame): void {
    this.send(hello);
    this.socket.on('data', (chunk: Buffer) => this.decoder.push(chunk));
  }

  send(frame: ServerFrame): void {
    if (this.closed || !this.socket.writable) return;
    const text = this.encode(frame);
    if (text === null) return;
    this.outbox.push(text);
    this.outboxBytes += text.length;
    if (!this.flushQueued) {
      this.flushQueued = true;
      queueMicrotask(() => this.flush());
    }
    const pending = this.pendingBytes();
    if (pending > this.limits.dropOutputBytes) {
      this.logger.warn(`dropped ${this.label}: it left ${pending} bytes unread (at most ${this.limits.dropOutputBytes})`);
      this.outbox = [];
      this.outboxBytes = 0;
      this.socket.destroy();
      return;
    }
    if (pending > this.limits.pauseOutputBytes) this.updateReading();
  }

  /** Bytes written to the client that it has not read yet. */
  pendingBytes(): number {
    return this.socket.writableLength + this.outboxBytes;
  }

  /** Runs `callback` when the connection closes; at once if it already has. */
  onClose(callback: () => void): void {
    if (this.closed) callback();
    else this.closeCallbacks.push(callback);
  }

  /** Counts a subscription against this connection's limit; false when it is reached. */
  takeSubscription(): boolean {
    if (this.subscriptions >= this.limits.maxSubscriptions) return false;
    this.subscriptions += 1;
    return true;
  }

  releaseSubscription(): void {
    this.subscriptions = Math.max(0, this.subscriptions - 1);
  }

  get maxSubscriptions(): number {
    return this.limits.maxSubscriptions;
  }

  private onFrame(decoded: DecodeResult): void {
    if (this.closed) return;
    const checked = decoded.ok ? readRequest(decoded.value) : { ok: false as const, id: null, reason: decoded.reason };
    if (!checked.ok) {
      this.refuse(checked.id, checked.reason);
      return;
    }
    this.inFlight += 1;
    this.updateReading();
    const { id, method } = checked.request;
    void this.handle(checked.request, this)
      .catch((error: unknown): ReplyFrame => {
        // The handler contract is to answer, not throw; if it ever does, the request still ends.
        this.logger.error(`${method} failed outside its handler`, error);
        return { type: 'reply', id, ok: false, error: new TsmError('E_INTERNAL', `${method} failed; see the daemon's log`).toWire() };
      })
      .then((reply) => {
        this.inFlight -= 1;
        this.send(reply);
        this.updateReading();
      });
  }

  private refuse(id: number | null, reason: string): void {
    this.refused += 1;
    if (this.refused <= this.limits.loggedRejections) {
      this.logger.warn(clip(`refused a frame from ${this.label}${id === null ? '' : ` (id ${id})`}: ${reason}`, this.limits.logSummaryChars));
    }
    this.send({ type: 'reply', id: id ?? -1, ok: false, error: protocolError(reason).toWire() });
  }

  /**
   * Reads only while the client keeps up: fewer requests in flight than the limit and its unread
   * output under the pause mark. Paused, the socket stops reading (the kernel's buffer then
   * pushes back on the client) and the decoder holds the frames of the chunk it was in.
   */
  private updateReading(): void {
    if (this.closed) return;
    const full = this.inFlight >= this.limits.maxInFlight || this.socket.writableLength > this.limits.pauseOutputBytes;
    if (full && !this.readingPaused) {
      this.readingPaused = true;
      this.decoder.pause();
      this.socket.pause();
    } else if (!full && this.readingPaused) {
      this.readingPaused = false;
      this.socket.resume();
      this.decoder.resume(); // its held frames may pause it again, through onFrame
    }
  }

  /**
   * Frames sent in one turn (the lines of one chunk of an app's output, to each subscription)
   * go out as one write: each write a socket cannot take at once is queued with its own
   * request, which costs several times the bytes of a short line.
   */
  private flush(): void {
    this.flushQueued = false;
    if (this.outbox.length === 0) return;
    const text = this.outbox.length === 1 ? this.outbox[0]! : this.outbox.join('');
    this.outbox = [];
    this.outboxBytes = 0;
    if (!this.closed && this.socket.writable) this.socket.write(text);
  }

  private encode(frame: ServerFrame): string | null {
    try {
      return encodeFrame(frame);
    } catch (error) {
      // A result that cannot be encoded (a cycle, a BigInt) is a daemon bug; the request still gets an answer.
      this.logger.error(`a ${frame.type} frame could not be encoded`, error);
      if (frame.type !== 'reply') return null;
      const wire = new TsmError('E_INTERNAL', "the daemon could not encode its reply; see the daemon's log").toWire();
      return encodeFrame({ type: 'reply', id: frame.id, ok: false, error: wire });
    }
  }

  private onSocketClose(): void {
    this.closed = true;
    const unlogged = this.refused - this.limits.loggedRejections;
    if (unlogged > 0) this.logger.warn(`refused ${unlogged} more frame(s) from ${this.label} before it closed`);
    for (const callback of this.closeCallbacks.splice(0)) {
      try {
        callback();
      } catch (error) {
        this.logger.error('releasing what a closed connection held failed', error);
      }
    }
  }
}
