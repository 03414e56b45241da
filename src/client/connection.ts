import { connect, type Socket } from 'node:net';
import { fromWire, TsmError } from '../core/errors.js';
import { MAX_REPLY_BYTES, type HelloFrame, type ServerFrame } from '../protocol/frames.js';
import { encodeFrame, FrameDecoder } from '../protocol/framing.js';
import type { MethodName, Params, Result } from '../protocol/methods.js';
import { TSM_VERSION } from '../protocol/version.js';

export interface ConnectOptions {
  socketPath: string;
  daemonLog: string;
  /** Time for the connect and the daemon's hello. */
  connectTimeoutMs?: number;
}

export interface RequestOptions {
  timeoutMs?: number;
}

type Pending = { resolve: (value: unknown) => void; reject: (error: TsmError) => void; timer: NodeJS.Timeout };

export const DEFAULT_REQUEST_TIMEOUT_MS = 30_000;

/**
 * One connection to the daemon: requests carry ids and are matched to their replies; each has a
 * deadline whose error names the method and the daemon's log; events pushed by the daemon go to
 * the listener given to `onEvent`.
 */
export class DaemonConnection {
  private nextId = 1;
  private readonly pending = new Map<number, Pending>();
  private eventListener: (event: string, data: unknown) => void = () => {};
  private closedError: TsmError | null = null;

  private constructor(
    private readonly socket: Socket,
    readonly daemon: HelloFrame,
    private readonly daemonLog: string,
  ) {}

  /** Connects and reads the hello. Rejects with the socket error's code kept in `cause`. */
  static open(options: ConnectOptions): Promise<DaemonConnection> {
    return new Promise((resolve, reject) => {
      const socket = connect(options.socketPath);
      let connection: DaemonConnection | null = null;
      const timer = setTimeout(() => {
        socket.destroy();
        reject(
          new TsmError(
            'E_TIMEOUT',
            `the daemon accepted the connection but did not greet within ${options.connectTimeoutMs ?? 5000} ms; see its log: ${options.daemonLog}`,
          ),
        );
      }, options.connectTimeoutMs ?? 5000);
      const decoder = new FrameDecoder(MAX_REPLY_BYTES, (decoded) => {
        if (!decoded.ok) {
          connection?.failAll(new TsmError('E_PROTOCOL', `the daemon sent a bad frame: ${decoded.reason}`));
          return;
        }
        const frame = decoded.value as ServerFrame;
        if (connection) {
          connection.receive(frame);
        } else if (frame.type === 'hello') {
          clearTimeout(timer);
          connection = new DaemonConnection(socket, frame, options.daemonLog);
          resolve(connection);
        }
      });
      socket.on('data', (chunk: Buffer) => decoder.push(chunk));
      socket.once('error', (error) => {
        clearTimeout(timer);
        if (!connection) {
          reject(new TsmError('E_DAEMON_GONE', `cannot reach the daemon at ${options.socketPath}: ${error.message}`, { cause: error }));
        }
      });
      socket.once('close', () => {
        clearTimeout(timer);
        if (!connection) {
          reject(new TsmError('E_DAEMON_GONE', `the daemon at ${options.socketPath} closed the connection before greeting`));
          return;
        }
        connection.failAll(
          new TsmError('E_DAEMON_GONE', `the daemon closed the connection; see its log: ${options.daemonLog}`),
        );
      });
    });
  }

  /** What the daemon had to tell the next command (see HelloFrame); the CLI prints them. */
  get notices(): string[] {
    const notices: unknown = this.daemon.notices;
    return Array.isArray(notices) ? notices.filter((n): n is string => typeof n === 'string').slice(0, 50) : [];
  }

  /** True when the daemon runs this very version of tsm. */
  get versionMatches(): boolean {
    return this.daemon.version === TSM_VERSION;
  }

  request<M extends MethodName>(method: M, params: Params<M>, options: RequestOptions = {}): Promise<Result<M>> {
    if (this.closedError) return Promise.reject(this.closedError);
    const id = this.nextId++;
    const timeoutMs = options.timeoutMs ?? DEFAULT_REQUEST_TIMEOUT_MS;
    return new Promise<Result<M>>((resolve, reject) => {
      const timer = setTimeout(() => {
        this.pending.delete(id);
        reject(
          new TsmError(
            'E_TIMEOUT',
            `the daemon did not answer '${method}' within ${timeoutMs} ms; see its log: ${this.daemonLog}`,
          ),
        );
      }, timeoutMs);
      this.pending.set(id, { resolve: resolve as (value: unknown) => void, reject, timer });
      this.socket.write(encodeFrame({ id, method, params }));
    });
  }

  onEvent(listener: (event: string, data: unknown) => void): void {
    this.eventListener = listener;
  }

  close(): void {
    this.socket.end();
    this.socket.destroy();
  }

  /** Resolves when the daemon closes its side (used by `kill` to wait for the exit). */
  waitClosed(): Promise<void> {
    if (this.socket.destroyed) return Promise.resolve();
    return new Promise((resolve) => this.socket.once('close', () => resolve()));
  }

  private receive(frame: ServerFrame): void {
    if (frame.type === 'event') {
      this.eventListener(frame.event, frame.data);
      return;
    }
    if (frame.type !== 'reply') return;
    const pending = this.pending.get(frame.id);
    if (!pending) return;
    this.pending.delete(frame.id);
    clearTimeout(pending.timer);
    if (frame.ok) pending.resolve(frame.result);
    else pending.reject(fromWire(frame.error));
  }

  private failAll(error: TsmError): void {
    this.closedError = error;
    for (const pending of this.pending.values()) {
      clearTimeout(pending.timer);
      pending.reject(error);
    }
    this.pending.clear();
  }
}
