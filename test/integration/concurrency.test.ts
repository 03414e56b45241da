import { afterEach, describe, expect, it } from 'vitest';
import { checkInvariants, processesOfHome, runChaos, type ChaosLogLine } from '../../bench/lib/chaos.js';
import { freePort } from '../helpers/net.js';
import { TestHome } from '../helpers/tsm.js';
import { waitFor } from '../helpers/wait.js';

/**
 * Overlapping commands (a deploy script, a person and a crash at once) on a fork app that is
 * slow to stop, a cluster app and a plain app, then the promise: every live process of the home
 * is listed, every listed pid is alive, nothing is listed twice, and `tsm kill` leaves nothing.
 * The commands come from a seed; TSM_CHAOS_SEED=<n> replays a failed run's commands.
 */
const SEED = Number(process.env['TSM_CHAOS_SEED'] ?? 20261130);
const DURATION_MS = Number(process.env['TSM_CHAOS_MS'] ?? 12_000);

let home: TestHome;
afterEach(async () => {
  await home.cleanup();
});

describe('overlapping commands', () => {
  it(`leave every process tracked and nothing behind after kill (seed ${SEED})`, async () => {
    home = new TestHome();
    const port = String(await freePort());
    const apps = [
      { name: 'slow', start: ['slow-stop.js', '--name', 'slow', '--kill-timeout', '3000'] },
      { name: 'web', start: ['http-server.js', '--name', 'web', '-i', '2'] },
      { name: 'plain', start: ['idle.js', '--name', 'plain'] },
    ];
    const log = await runChaos({
      cmd: async (args) => (await home.run(args, { env: { PORT: port } })).code,
      seed: SEED,
      durationMs: DURATION_MS,
      apps,
    });
    const story = (lines: ChaosLogLine[]) => lines.map((l) => `${l.args} -> ${l.code} (${l.ms} ms)`).join('\n');
    // 0 or 1 (a refused or cancelled command); never a usage error, a timeout or a crash of the CLI.
    expect(log.filter((line) => line.code !== 0 && line.code !== 1), story(log)).toEqual([]);
    expect(log.length).toBeGreaterThan(10);

    const daemonPid = await home.daemonPid();
    let last: ReturnType<typeof checkInvariants> | null = null;
    await waitFor(`the invariants to hold (seed ${SEED})`, async () => {
      last = checkInvariants({ home: home.home, daemonPid, processes: await home.list() });
      return last.untracked.length + last.deadListed.length + last.duplicates.length === 0;
    }).catch((error: Error) => {
      throw new Error(`${error.message}\n${JSON.stringify(last)}\ncommands:\n${story(log)}`);
    });
    expect(await home.daemonPid()).toBe(daemonPid);

    await home.ok(['kill']);
    await waitFor('every process of the home to end after kill', () => processesOfHome(home.home).length === 0);
  });
});
