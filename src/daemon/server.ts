import { chmod, unlink } from 'node:fs/promises';
import { createServer, type Server, type Socket } from 'node:net';
import { asTsmError, TsmError } from '../core/errors.js';
import { MAX_REQUEST_BYTES, type ReplyFrame, type ServerFrame } from '../protocol/frames.js';
import { encodeFrame, FrameDecoder } from '../protocol/framing.js';
import { isMethodName, type MethodName } from '../protocol/methods.js';
import { TSM_VERSION } from '../protocol/version.js';
import type { RequestContext } from './handlers/context.js';
import type { HandlerTable } from './handlers/index.js';
import type { DaemonState } from './state.js';

/**
 * The control socket: newline-delimited JSON frames, a hello on connect, then requests answered
 * by the handler table. Nothing a client sends can crash the daemon: bad frames get an error
 * reply, handler failures become error replies, and a vanished client is simply forgotten.
 */
export async function listen(state: DaemonState, handlers: HandlerTable): Promise<Server> {
  const server = createServer((socket) => serveConnection(state, handlers, socket));
  await unlink(state.paths.socket).catch(() => {}); // we hold the pid lock: any socket file is stale
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(state.paths.socket, () => {
      server.off('error', reject);
      resolve();
    });
  });
  await chmod(state.paths.socket, 0o600);
  server.on('error', (error) => state.logger.error('control socket error', error));
  return server;
}

function serveConnection(state: DaemonState, handlers: HandlerTable, socket: Socket): void {
  const send = (frame: ServerFrame): void => {
    if (socket.writable) socket.write(encodeFrame(frame));
  };
  socket.on('error', () => {}); // the client went away mid-write; nothing to do
  const onClose: Array<() => void> = [];
  socket.once('close', () => {
    for (const callback of onClose.splice(0)) callback();
  });
  const connection: Connection = { send, onClose: (callback) => onClose.push(callback), pendingBytes: () => socket.writableLength };
  send({ type: 'hello', version: TSM_VERSION, pid: process.pid });
  const decoder = new FrameDecoder(MAX_REQUEST_BYTES, (decoded) => {
    if (!decoded.ok) {
      state.logger.warn(`rejected a frame: ${decoded.reason}`);
      send(errorReply(-1, new TsmError('E_PROTOCOL', `bad request: ${decoded.reason}`)));
      return;
    }
    void dispatch(state, handlers, decoded.value, connection).then(send);
  });
  socket.on('data', (chunk: Buffer) => decoder.push(chunk));
}

async function dispatch(
  state: DaemonState,
  handlers: HandlerTable,
  frame: unknown,
  connection: Connection,
): Promise<ReplyFrame> {
  const { id, method, params } = (frame ?? {}) as { id?: unknown; method?: unknown; params?: unknown };
  const replyId = typeof id === 'number' ? id : -1;
  if (typeof id !== 'number' || !isMethodName(method)) {
    return errorReply(replyId, new TsmError('E_PROTOCOL', `bad request: expected {id, method, params}; unknown method ${JSON.stringify(method)}`));
  }
  // `kill` is let through: it waits for the shutdown under way and answers, so a CLI that
  // asks again always gets an answer and sees the daemon exit.
  if (state.shuttingDown && method !== 'ping' && method !== 'kill') {
    return errorReply(id, new TsmError('E_DAEMON_GONE', 'the daemon is shutting down; run the command again in a moment.'));
  }
  try {
    const handler = handlers[method] as (s: DaemonState, p: unknown, c: RequestContext) => Promise<unknown>;
    const ctx: RequestContext = {
      emit: (event, data) => connection.send({ type: 'event', id, event, data }),
      onClose: connection.onClose,
      pendingBytes: connection.pendingBytes,
    };
    const result = await handler(state, params ?? {}, ctx);
    return { type: 'reply', id, ok: true, result };
  } catch (error) {
    const tsmError = asTsmError(error);
    if (tsmError.code === 'E_INTERNAL') state.logger.error(`${method as MethodName} failed`, error);
    return errorReply(id, tsmError);
  }
}

interface Connection {
  send(frame: ServerFrame): void;
  onClose(callback: () => void): void;
  pendingBytes(): number;
}

function errorReply(id: number, error: TsmError): ReplyFrame {
  return { type: 'reply', id, ok: false, error: error.toWire() };
}
