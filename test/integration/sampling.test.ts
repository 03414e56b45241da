import { afterEach, describe, expect, it } from 'vitest';
import { RawClient } from '../helpers/raw-client.js';
import { TestHome } from '../helpers/tsm.js';
import { waitFor } from '../helpers/wait.js';

let home: TestHome;
const clients: RawClient[] = [];

afterEach(async () => {
  for (const client of clients.splice(0)) client.close();
  await home.cleanup();
});

/** How often the daemon measures its processes now, as `tsm ping --json` tells (null: not at all). */
async function sampleInterval(): Promise<number | null> {
  return (JSON.parse((await home.ok(['ping', '--json'])).stdout) as { sampleIntervalMs: number | null }).sampleIntervalMs;
}

function becomes(what: string, wanted: number | null): Promise<true> {
  // The slow cadence is 5 s: a change it has to notice at its next tick needs that long.
  return waitFor(what, async () => (await sampleInterval()) === wanted || null, { timeoutMs: 20_000, intervalMs: 200 });
}

/**
 * The sampling cadence of a real daemon (the rule itself: test/daemon/sample-cadence.test.ts,
 * the timer on a fake clock: test/daemon/metrics.test.ts).
 */
describe('how often the daemon measures its processes', () => {
  it('every few seconds for a quiet app, each second while monit listens, not at all without processes', async () => {
    home = new TestHome();
    expect(await sampleInterval()).toBeNull();
    await home.ok(['start', 'idle.js', '--name', 'quiet']);
    await becomes('the slow cadence with one app running', 5000);
    // Its first figures come a second after its spawn, not at the next slow tick.
    await waitFor('figures for the quiet app', async () => ((await home.byName('quiet'))[0]?.memory ?? 0) > 0);

    // monit's subscription: a table at once, then one at each sample, each second.
    const { client } = await RawClient.open(home.paths.socket);
    clients.push(client);
    expect(await client.request({ id: 1, method: 'subscribe', params: { topics: ['processes'] } })).toMatchObject({ ok: true });
    await becomes('the fast cadence while a subscriber listens', 1000);
    await waitFor('three tables with the measured app', () =>
      client.frames.filter((frame) => frame.event === 'processes' && JSON.stringify(frame.data).includes('"memory":')).length >= 3,
    );
    client.close();
    await becomes('the slow cadence once it has left', 5000);

    await home.ok(['stop', 'quiet']);
    await becomes('no sampling with nothing to measure', null);
  });

  it('each second while an app with a memory limit runs', async () => {
    home = new TestHome();
    await home.ok(['start', 'idle.js', '--name', 'quiet']);
    await becomes('the slow cadence', 5000);
    await home.ok(['start', 'idle.js', '--name', 'capped', '--max-memory-restart', '500M']);
    await becomes('the fast cadence for the memory limit', 1000);
    await home.ok(['delete', 'capped']);
    await becomes('the slow cadence once it is gone', 5000);
  });
});
