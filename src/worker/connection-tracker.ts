import type { IncomingMessage, ServerResponse } from 'node:http';
import { Server as HttpServer } from 'node:http';
import { Server as NetServer, type Socket } from 'node:net';

interface TrackedSocket {
  socket: Socket;
  /** Requests received on this socket whose responses have not finished. */
  inFlight: number;
  idleTimer: NodeJS.Timeout | null;
}

/**
 * Knows every server the app listens with and every connection they hold, so that a drain can
 * take the worker out of rotation without breaking one request:
 *  - the listening handle is closed (the primary then hands new connections to other workers,
 *    and any already on their way here are refused back to it), but not through http's close(),
 *    which on Node >= 19 also destroys idle keep-alive sockets a client may be writing to;
 *  - every response from then on carries `Connection: close`, so each keep-alive connection ends
 *    cleanly after its current or next request;
 *  - a connection that stays idle for `idleCloseMs` is closed: a pool's spare socket, unused.
 */
export class ConnectionTracker {
  private readonly servers = new Set<NetServer>();
  private readonly sockets = new Set<TrackedSocket>();
  private draining = false;
  private idleCloseMs = 1000;
  private onEmpty: (() => void) | null = null;

  track(server: NetServer): void {
    if (this.servers.has(server)) return;
    this.servers.add(server);
    // TLS servers hand requests the TLS socket, which is what has to be tracked.
    const isTls = typeof (server as { addContext?: unknown }).addContext === 'function';
    server.on(isTls ? 'secureConnection' : 'connection', (socket: Socket) => this.addSocket(socket));
    if (server instanceof HttpServer) {
      // Prepended, so the header is set before the app's own handler can write the response.
      server.prependListener('request', (req: IncomingMessage, res: ServerResponse) => this.onRequest(req, res));
    }
  }

  get openConnections(): number {
    return this.sockets.size;
  }

  /** Stops accepting, ends keep-alive connections gently; calls `done` once none is left. */
  drain(idleCloseMs: number, done: () => void): void {
    this.draining = true;
    this.idleCloseMs = idleCloseMs;
    this.onEmpty = done;
    for (const server of this.servers) closeListener(server);
    for (const tracked of this.sockets) if (tracked.inFlight === 0) this.armIdleClose(tracked);
    this.checkEmpty();
  }

  private addSocket(socket: Socket): void {
    const tracked: TrackedSocket = { socket, inFlight: 0, idleTimer: null };
    this.sockets.add(tracked);
    (socket as Socket & { [TRACKED]?: TrackedSocket })[TRACKED] = tracked;
    socket.once('close', () => {
      if (tracked.idleTimer) clearTimeout(tracked.idleTimer);
      this.sockets.delete(tracked);
      this.checkEmpty();
    });
    if (this.draining) this.armIdleClose(tracked);
  }

  private onRequest(req: IncomingMessage, res: ServerResponse): void {
    const tracked = (req.socket as Socket & { [TRACKED]?: TrackedSocket })[TRACKED];
    if (!tracked) return;
    tracked.inFlight += 1;
    if (tracked.idleTimer) clearTimeout(tracked.idleTimer);
    tracked.idleTimer = null;
    if (this.draining && !res.headersSent) res.setHeader('Connection', 'close');
    let finished = false;
    const end = (): void => {
      if (finished) return;
      finished = true;
      tracked.inFlight -= 1;
      if (this.draining && tracked.inFlight === 0) this.armIdleClose(tracked);
    };
    res.once('finish', end);
    res.once('close', end);
  }

  /**
   * Closing an idle keep-alive socket races with a client that starts a request on it. The close
   * is decided in a timer but done in setImmediate, after the event loop's poll phase has read
   * whatever already sits in the kernel buffer: a request that arrived is then seen (inFlight, or
   * bytesRead moved) and served with Connection: close instead of being reset. What remains is a
   * request sent in the microseconds between that read and the close.
   */
  private armIdleClose(tracked: TrackedSocket): void {
    if (tracked.idleTimer || tracked.socket.destroyed) return;
    const bytesAtIdle = tracked.socket.bytesRead;
    tracked.idleTimer = setTimeout(() => {
      setImmediate(() => {
        tracked.idleTimer = null;
        const quiet = tracked.inFlight === 0 && tracked.socket.bytesRead === bytesAtIdle;
        if (quiet) tracked.socket.end();
        else if (tracked.inFlight === 0) this.armIdleClose(tracked); // bytes came but no request yet
      });
    }, this.idleCloseMs);
    tracked.idleTimer.unref();
  }

  private checkEmpty(): void {
    if (this.draining && this.sockets.size === 0 && this.onEmpty) {
      const done = this.onEmpty;
      this.onEmpty = null;
      done();
    }
  }
}

const TRACKED = Symbol('tsm.tracked');

/** net.Server's close, skipping http.Server's override that also drops idle keep-alive sockets. */
function closeListener(server: NetServer): void {
  if (server.listening) NetServer.prototype.close.call(server);
}
