import { readFileSync } from 'node:fs';
import { setTimeout as delay } from 'node:timers/promises';
import { afterEach, describe, expect, it } from 'vitest';
import { DaemonConnection } from '../../src/client/connection.js';
import { RawClient } from '../helpers/raw-client.js';
import { TestHome } from '../helpers/tsm.js';
import { waitFor } from '../helpers/wait.js';

/**
 * A client that sends and never reads must not grow the daemon. Measured as the daemon's RSS
 * (VmRSS) while such a client holds its connection open. Before the per-connection limits these
 * very tests measured +197 MB (20,000 pipelined `list`) and +78 MB in 6 s (1,000 subscriptions,
 * about 13 MB a second); after, +3 MB and +4 MB. The bound here (20 MB) leaves room for the
 * garbage collector's own sizing on a busy machine and is far below either.
 */
const MAX_GROWTH_MB = 20;

let home: TestHome;
const clients: RawClient[] = [];
afterEach(async () => {
  for (const client of clients.splice(0)) client.close();
  await home.cleanup();
});

function rssMb(pid: number): number {
  const status = readFileSync(`/proc/${pid}/status`, 'utf8');
  return Number(/VmRSS:\s+(\d+)/.exec(status)?.[1]) / 1024;
}

/**
 * The daemon's largest RSS over a window, sampled every 250 ms. A measurement window, not a
 * wait for a condition: the point is what happens while nothing else does.
 */
async function peakRss(pid: number, windowMs: number): Promise<number> {
  let peak = rssMb(pid);
  for (const end = Date.now() + windowMs; Date.now() < end; ) {
    await delay(250);
    peak = Math.max(peak, rssMb(pid));
  }
  return peak;
}

/** Another client connects and gets an answer, timed: the flood must not starve it. */
async function pingMs(): Promise<number> {
  const started = Date.now();
  const connection = await DaemonConnection.open({ socketPath: home.paths.socket, daemonLog: home.paths.daemonLog });
  try {
    await connection.request('ping', {}, { timeoutMs: 10_000 });
  } finally {
    connection.close();
  }
  return Date.now() - started;
}

async function flood(frames: (id: number) => object, count: number): Promise<RawClient> {
  const { client } = await RawClient.open(home.paths.socket);
  clients.push(client);
  client.keepBodies = false;
  client.pause();
  let text = '';
  for (let id = 1; id <= count; id += 1) text += `${JSON.stringify(frames(id))}\n`;
  void client.write(text).catch(() => {}); // completes only as the daemon reads
  return client;
}

describe('a client that does not read', () => {
  it('20,000 pipelined list requests leave the RSS within a few MB; all are answered once it reads', async () => {
    home = new TestHome();
    await home.ok(['start', 'idle.js', '-i', '2']);
    const pid = await home.daemonPid();
    const before = rssMb(pid);
    const client = await flood((id) => ({ id, method: 'list', params: {} }), 20_000);
    const peak = await peakRss(pid, 4000);
    const ping = await pingMs();
    console.info(`20,000 pipelined list: daemon RSS ${before.toFixed(1)} MB, peak +${(peak - before).toFixed(1)} MB; ping ${ping} ms`);
    expect(peak - before).toBeLessThan(MAX_GROWTH_MB);
    expect(ping).toBeLessThan(3000);

    client.resume();
    const replies = (): typeof client.frames => client.frames.filter((frame) => frame.type === 'reply');
    await waitFor('every reply', () => replies().length >= 20_000, { timeoutMs: 30_000, intervalMs: 100 });
    expect(replies()).toHaveLength(20_000);
    expect(new Set(replies().map((frame) => frame.id)).size).toBe(20_000);
    expect(replies().every((frame) => frame.ok === true)).toBe(true);
  });

  it('1,000 subscriptions on a paused connection: 8 are taken, the rest refused with E_LIMIT, the RSS stays flat', async () => {
    home = new TestHome();
    await home.ok(['start', 'lg-ticker.js', '-i', '2'], { env: { TICK_MS: '20', PAD: '60' } });
    const pid = await home.daemonPid();
    const before = rssMb(pid);
    const client = await flood((id) => ({ id, method: 'subscribe', params: { topics: ['logs', 'processes'] } }), 1000);
    const peak = await peakRss(pid, 6000);
    const ping = await pingMs();
    console.info(`1,000 subscriptions, paused: daemon RSS ${before.toFixed(1)} MB, peak +${(peak - before).toFixed(1)} MB over 6 s; ping ${ping} ms`);
    expect(peak - before).toBeLessThan(MAX_GROWTH_MB);
    expect(ping).toBeLessThan(3000);

    client.resume();
    await waitFor('every reply', () => client.frames.filter((frame) => frame.type === 'reply').length === 1000, { timeoutMs: 30_000 });
    const replies = client.frames.filter((frame) => frame.type === 'reply');
    const taken = replies.filter((frame) => frame.ok === true).map((frame) => frame.id);
    expect(taken).toEqual([1, 2, 3, 4, 5, 6, 7, 8]);
    const refused = replies.filter((frame) => frame.ok === false);
    expect(refused).toHaveLength(992);
    expect(refused.every((frame) => frame.error?.code === 'E_LIMIT')).toBe(true);
    expect(refused[0]!.error!.message).toContain('already holds 8 subscriptions');
    // The eight go on: lines keep coming now that the client reads.
    const lines = client.frames.filter((frame) => frame.event === 'log-line').length;
    await waitFor('more lines', () => client.frames.filter((frame) => frame.event === 'log-line').length > lines + 16);
  });
});
