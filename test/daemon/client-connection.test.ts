import { mkdtempSync, rmSync } from 'node:fs';
import { connect, createServer, type Server, type Socket } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as delay } from 'node:timers/promises';
import { afterEach, describe, expect, it } from 'vitest';
import type { ReplyFrame, RequestFrame } from '../../src/protocol/frames.js';
import { Logger } from '../../src/daemon/logger.js';
import { ClientConnection, type RequestHandler } from '../../src/daemon/socket/client-connection.js';
import { CONNECTION_LIMITS, type ConnectionLimits } from '../../src/daemon/socket/limits.js';
import { waitFor } from '../helpers/wait.js';

/** A real unix socket pair: the server side wrapped in a ClientConnection, the client side raw. */
interface Pair {
  connection: ClientConnection;
  client: Socket;
  logLines: string[];
  /** Frames the client has read, parsed. */
  received: Array<{ type: string; id?: number; ok?: boolean }>;
}

const cleanups: Array<() => void> = [];
afterEach(() => {
  for (const cleanup of cleanups.splice(0)) cleanup();
});

async function pair(handle: RequestHandler, limits: Partial<ConnectionLimits> = {}): Promise<Pair> {
  const dir = mkdtempSync(join(tmpdir(), 'tsm-cc-'));
  const path = join(dir, 's.sock');
  const logLines: string[] = [];
  const logger = new Logger({ write: () => true }, (line) => logLines.push(line));
  let connection: ClientConnection | null = null;
  const server: Server = createServer((socket) => {
    connection = new ClientConnection(socket, logger, handle, 'client 1', { ...CONNECTION_LIMITS, ...limits });
    connection.start({ type: 'hello', version: 'test', pid: process.pid });
  });
  await new Promise<void>((resolve) => server.listen(path, resolve));
  const client = connect(path);
  const received: Pair['received'] = [];
  let partial = '';
  client.setEncoding('utf8');
  client.on('data', (text: string) => {
    const lines = (partial + text).split('\n');
    partial = lines.pop() ?? '';
    for (const line of lines) if (line !== '') received.push(JSON.parse(line) as Pair['received'][number]);
  });
  client.on('error', () => {});
  cleanups.push(() => {
    client.destroy();
    server.close();
    rmSync(dir, { recursive: true, force: true });
  });
  await waitFor('the hello', () => received.length === 1);
  return { connection: connection!, client, logLines, received };
}

function requests(count: number, method = 'list'): string {
  return Array.from({ length: count }, (_, i) => `{"id":${i + 1},"method":"${method}"}\n`).join('');
}

const ok = (request: RequestFrame, result: unknown = null): ReplyFrame => ({ type: 'reply', id: request.id, ok: true, result });

describe('ClientConnection', () => {
  it('handles at most maxInFlight requests at once and reads more as they finish', async () => {
    const waiting: Array<() => void> = [];
    let handled = 0;
    const { client, received } = await pair(
      (request) =>
        new Promise((resolve) => {
          handled += 1;
          waiting.push(() => resolve(ok(request)));
        }),
      { maxInFlight: 4 },
    );
    client.write(requests(100));
    await waitFor('four requests in flight', () => handled === 4);
    await delay(200); // a window in which a broken cap would take the other 96
    expect(handled).toBe(4);
    waiting.shift()!();
    await waitFor('one more taken', () => handled === 5);
    await waitFor('every reply, releasing requests as they come in', () => {
      for (const release of waiting.splice(0)) release();
      return received.length === 101;
    });
    expect(received.slice(1).map((frame) => frame.id).sort((a, b) => a! - b!)).toEqual(Array.from({ length: 100 }, (_, i) => i + 1));
  });

  it('stops reading while the client leaves output unread, and answers everything once it reads', async () => {
    let handled = 0;
    const big = 'x'.repeat(16 * 1024);
    const { client, received } = await pair(
      async (request) => {
        handled += 1;
        return ok(request, big);
      },
      { pauseOutputBytes: 64 * 1024 },
    );
    client.pause();
    client.write(requests(1000));
    await waitFor('some requests handled', () => handled > 4);
    await delay(300); // a window in which unbounded reading would handle all 1000
    // Unread: 64 KiB in the daemon's buffer plus what the kernel's socket buffers hold (a few hundred KiB).
    expect(handled).toBeLessThan(200);
    client.resume();
    await waitFor('every reply', () => received.length === 1001, { timeoutMs: 20_000 });
    expect(handled).toBe(1000);
  });

  it('drops a client past dropOutputBytes unread, logs it and runs what was registered for its close', async () => {
    const { connection, client, logLines } = await pair(async (request) => ok(request), { dropOutputBytes: 256 * 1024 });
    client.pause();
    let released = 0;
    connection.onClose(() => (released += 1));
    const line = 'y'.repeat(1024);
    for (let i = 0; i < 2000 && released === 0; i += 1) {
      connection.send({ type: 'event', id: 1, event: 'log-line', data: line });
      if (i % 50 === 0) await delay(1); // let the socket write, as between an app's chunks
    }
    await waitFor('the close callback', () => released === 1);
    expect(logLines.some((l) => /dropped client 1: it left \d+ bytes unread \(at most 262144\)/.test(l))).toBe(true);
    // Registered after the close: runs at once, so a handler that finishes late still releases.
    connection.onClose(() => (released += 1));
    expect(released).toBe(2);
    connection.send({ type: 'event', id: 1, event: 'log-line', data: 'after' }); // ignored, no throw
  });

  it('counts subscriptions against the limit and gives them back', async () => {
    const { connection } = await pair(async (request) => ok(request), { maxSubscriptions: 2 });
    expect(connection.takeSubscription()).toBe(true);
    expect(connection.takeSubscription()).toBe(true);
    expect(connection.takeSubscription()).toBe(false);
    connection.releaseSubscription();
    expect(connection.takeSubscription()).toBe(true);
    expect(connection.maxSubscriptions).toBe(2);
  });

  it('answers a handler that throws instead of answering with E_INTERNAL, and keeps serving', async () => {
    let calls = 0;
    const { client, received, logLines } = await pair(async (request) => {
      calls += 1;
      if (calls === 1) throw new Error('boom');
      return ok(request);
    });
    client.write(requests(2, 'ping'));
    await waitFor('two replies', () => received.length === 3);
    expect(received[1]).toMatchObject({ id: 1, ok: false, error: { code: 'E_INTERNAL' } });
    expect(received[2]).toMatchObject({ id: 2, ok: true });
    expect(logLines.some((l) => l.includes('ping failed outside its handler'))).toBe(true);
  });

  it('answers a result that cannot be encoded with an error instead of silence', async () => {
    const { client, received } = await pair(async (request) => ok(request, { big: 10n }));
    client.write(requests(1, 'ping'));
    await waitFor('the reply', () => received.length === 2);
    expect(received[1]).toMatchObject({ id: 1, ok: false, error: { code: 'E_INTERNAL' } });
  });
});
