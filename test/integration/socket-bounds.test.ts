import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { isAlive } from '../helpers/procs.js';
import { RawClient } from '../helpers/raw-client.js';
import { FIXTURES, TestHome } from '../helpers/tsm.js';

let home: TestHome;
const clients: RawClient[] = [];
afterEach(async () => {
  for (const client of clients.splice(0)) client.close();
  await home.cleanup();
});

async function open(): Promise<RawClient> {
  const { client } = await RawClient.open(home.paths.socket);
  clients.push(client);
  return client;
}

/** `levels` arrays inside each other, as JSON text: JSON.parse takes it, JSON.stringify of the result throws. */
function deepArrays(levels: number): string {
  return `${'['.repeat(levels)}${']'.repeat(levels)}`;
}

function deepObjects(levels: number): string {
  return `${'{"a":'.repeat(levels)}"x"${'}'.repeat(levels)}`;
}

/** The daemon's log lines that mention refused frames. */
function refusalLines(): string[] {
  return readFileSync(home.paths.daemonLog, 'utf8')
    .split('\n')
    .filter((line) => line.includes('refused'));
}

describe('the control socket checks every frame at the border', () => {
  it('answers a request whose method nests 100,000 levels with E_PROTOCOL and its id, then serves the next', async () => {
    home = new TestHome();
    await home.ok(['start', 'idle.js']);
    const client = await open();
    await client.write(`{"id":7,"method":${deepArrays(100_000)},"params":{}}\n`);
    const reply = await client.reply(7);
    expect(reply).toMatchObject({ ok: false, error: { code: 'E_PROTOCOL' } });
    expect(reply.error!.message).toContain('nested deeper than 32 levels');
    expect(await client.request({ id: 8, method: 'ping', params: {} })).toMatchObject({ ok: true });
  });

  it('refuses a restart whose env nests 100,000 levels; list, stop and kill still work', async () => {
    home = new TestHome();
    await home.ok(['start', 'idle.js']);
    const [before] = await home.list();
    const daemon = await home.daemonPid();
    const client = await open();
    await client.write(`{"id":3,"method":"restart","params":{"targets":["all"],"env":${deepObjects(100_000)}}}\n`);
    const reply = await client.reply(3);
    expect(reply).toMatchObject({ ok: false, error: { code: 'E_PROTOCOL' } });
    expect(reply.error!.message).toContain('nested deeper than 32 levels');

    const [after] = await home.list();
    expect(after).toMatchObject({ name: 'idle', status: 'online', pid: before!.pid, restarts: before!.restarts });
    await home.ok(['stop', 'idle']);
    expect((await home.list())[0]).toMatchObject({ status: 'stopped' });
    expect(await home.daemonPid()).toBe(daemon);
    const kill = await home.run(['kill']);
    expect(kill.code, kill.stderr).toBe(0);
    expect(isAlive(daemon)).toBe(false);
  });

  it('refuses an env value that is not a string with E_USAGE naming the variable, and restarts nothing', async () => {
    home = new TestHome();
    await home.ok(['start', 'idle.js']);
    const [before] = await home.list();
    const client = await open();
    for (const [id, method] of [[1, 'restart'], [2, 'reload']] as const) {
      const reply = await client.request({ id, method, params: { targets: ['all'], env: { GOOD: '1', a: {} } } });
      expect(reply).toMatchObject({ ok: false, error: { code: 'E_USAGE' } });
      expect(reply.error!.message).toContain(`${method}: env: a must be a string, got an object`);
    }
    const start = await client.request({
      id: 3,
      method: 'start',
      params: { kind: 'script', force: false, input: { script: join(FIXTURES, 'idle.js'), name: 'other', env: { N: 5 } } },
    });
    expect(start).toMatchObject({ ok: false, error: { code: 'E_USAGE', message: expect.stringContaining('N must be a string, got a number') } });
    const list = await home.list();
    expect(list).toHaveLength(1);
    expect(list[0]).toMatchObject({ pid: before!.pid, restarts: before!.restarts });
    expect(list[0]!.spec.env['a']).toBeUndefined();
  });

  it('answers malformed, foreign and oversized frames with E_PROTOCOL and keeps the connection', async () => {
    home = new TestHome();
    await home.ok(['ping']);
    const client = await open();
    await client.write('{"id":1,\n');
    await client.write('[1,2,3]\n');
    await client.write(`{"id":2,"method":"${'m'.repeat(500_000)}"}\n`);
    await client.write(`{"id":3,"method":"list","params":{"pad":"${'x'.repeat(1024 * 1024)}"}}\n`);
    await client.write(`{"id":4,"method":"stop","params":{"targets":[${Array.from({ length: 20_000 }, () => '"0"').join(',')}]}}\n`);
    expect(await client.request({ id: 5, method: 'ping', params: {} })).toMatchObject({ ok: true });
    const errors = client.frames.filter((frame) => frame.type === 'reply' && frame.ok === false);
    expect(errors.map((frame) => [frame.id, frame.error!.code])).toEqual([
      [-1, 'E_PROTOCOL'], // malformed JSON: no id can be read
      [-1, 'E_PROTOCOL'], // not an object
      [2, 'E_PROTOCOL'], // unknown method, quoted short
      [-1, 'E_PROTOCOL'], // larger than 1 MiB: dropped unread
      [4, 'E_PROTOCOL'], // more than 10,000 values
    ]);
    expect(errors[0]!.error!.message).toContain('malformed JSON');
    expect(errors[2]!.error!.message.length).toBeLessThan(200);
    expect(errors[3]!.error!.message).toContain('frame larger than 1048576 bytes');
    expect(errors[4]!.error!.message).toContain('more than 10000 values and keys');

    // The daemon logs a bounded line for each, never the frame itself.
    const lines = refusalLines();
    expect(lines).toHaveLength(5);
    for (const line of lines) expect(line.length).toBeLessThan(260);
    expect(lines.join('\n')).not.toContain('m'.repeat(100));
  });

  it('logs the first refusals of a connection one by one, and counts the rest when it closes', async () => {
    home = new TestHome();
    await home.ok(['ping']);
    const client = await open();
    await client.write(Array.from({ length: 50 }, (_, i) => `{"id":${i},"method":"nope"}\n`).join(''));
    await client.reply(49);
    client.close();
    await expect.poll(() => refusalLines().some((line) => line.includes('refused 45 more frame(s)')), { timeout: 10_000 }).toBe(true);
    expect(refusalLines()).toHaveLength(6);
  });

  it('refuses -i 1000000000 in the CLI (exit 2) and on the wire; the daemon keeps its pid', async () => {
    home = new TestHome();
    await home.ok(['start', 'idle.js']);
    const daemon = await home.daemonPid();
    const cli = await home.run(['start', 'idle.js', '--name', 'many', '-i', '1000000000']);
    expect(cli.code, cli.stderr).toBe(2);
    expect(cli.stderr).toContain("-i 1000000000: at most 1024 instances. Use 'max' (or 0) for one per CPU.");
    expect(cli.stdout).toBe('');

    const client = await open();
    const reply = await client.request({
      id: 1,
      method: 'start',
      params: { kind: 'script', force: false, input: { script: join(FIXTURES, 'idle.js'), name: 'many', instances: 2147483647 } },
    });
    expect(reply).toMatchObject({ ok: false, error: { code: 'E_USAGE', message: expect.stringContaining('at most 1024 instances') } });
    expect(await home.daemonPid()).toBe(daemon);
    expect((await home.list()).map((p) => p.name)).toEqual(['idle']);
  });
});
