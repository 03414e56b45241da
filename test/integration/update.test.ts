import { readFileSync } from 'node:fs';
import { afterEach, describe, expect, it } from 'vitest';
import { isAlive } from '../helpers/procs.js';
import { TestHome } from '../helpers/tsm.js';

/** `tsm update`: the apps move to a new daemon (after an upgrade of tsm or Node), none is lost. */
let home: TestHome;
afterEach(async () => {
  await home.cleanup();
});

describe('tsm update', () => {
  it('saves the apps, replaces the daemon, and starts them again with their ids and states', async () => {
    home = new TestHome();
    await home.ok(['start', 'idle.js', '--name', 'web', '-i', '2']);
    await home.ok(['start', 'idle.js', '--name', 'job']);
    await home.ok(['stop', 'job']);
    const before = await home.list();
    const oldDaemon = await home.daemonPid();

    const result = await home.ok(['update']);
    expect(result.stderr).toContain(`saved 2 app(s) to ${home.paths.dumpFile}, then stopped the daemon`);
    expect(isAlive(oldDaemon)).toBe(false);
    for (const p of before) if (p.pid !== null) expect(isAlive(p.pid)).toBe(false);

    const after = await home.list();
    expect(await home.daemonPid()).not.toBe(oldDaemon);
    expect(after.map((p) => [p.id, p.name, p.status])).toEqual([
      [before[0]!.id, 'web', 'online'],
      [before[1]!.id, 'web', 'online'],
      [before[2]!.id, 'job', 'stopped'],
    ]);
    expect(JSON.parse(readFileSync(home.paths.dumpFile, 'utf8')).apps).toHaveLength(2);
  });

  it('with no daemon running, says so and starts nothing', async () => {
    home = new TestHome();
    const result = await home.ok(['update']);
    expect(result.stderr).toContain('no daemon runs for');
    expect((await home.run(['list', '--json'])).stdout.trim()).toBe('[]');
  });
});
