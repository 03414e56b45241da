import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { freePort, get } from '../helpers/net.js';
import { FIXTURES, TestHome } from '../helpers/tsm.js';
import { waitFor } from '../helpers/wait.js';

/**
 * `tsm start` with a command instead of a file, as PM2 users type it: `tsm start "npm run start"`,
 * `tsm start python3 -- -m http.server`. Planned like an ecosystem file's `script`.
 */
let home: TestHome;
afterEach(async () => {
  await home.cleanup();
});

/** The command line a process runs, from /proc. */
const commandOf = (pid: number): string[] => readFileSync(`/proc/${pid}/cmdline`, 'utf8').split('\0').filter(Boolean);

describe('tsm start <command>', () => {
  it('runs a command on PATH directly, with the arguments after -- and its name as the default', async () => {
    home = new TestHome();
    await home.ok(['start', 'sleep', '--', '600']);
    const [sleep] = await home.byName('sleep');
    expect(sleep?.status).toBe('online');
    // Run directly, not through a shell: the stop signal reaches the program itself.
    expect(commandOf(sleep!.pid!)).toEqual([expect.stringMatching(/\/sleep$/), '600']);
  });

  it('runs a quoted command line; `node <file>` in one can be a cluster app', async () => {
    home = new TestHome();
    const port = await freePort();
    await home.ok(['start', `node ${join(FIXTURES, 'http-server.js')}`, '-i', '2', '--name', 'web'], { env: { PORT: String(port) } });
    const workers = await waitFor('two workers online', async () => {
      const list = await home.byName('web');
      return list.length === 2 && list.every((p) => p.status === 'online') ? list : null;
    });
    expect(workers.every((p) => p.spec.execMode === 'cluster')).toBe(true);
    expect((await get(port)).status).toBe(200);
  });

  it('runs shell syntax through /bin/sh, named after its first word', async () => {
    home = new TestHome();
    await home.ok(['start', 'echo ready-from-shell; exec sleep 600']);
    const [app] = await home.byName('echo');
    expect(app?.status).toBe('online');
    await waitFor('the line in the out log', () =>
      readFileSync(join(home.paths.logsDir, 'echo-out.log'), 'utf8').includes('ready-from-shell'),
    );
  });

  it('prefers an app of that name, and refuses a word that is neither app, file nor command', async () => {
    home = new TestHome();
    await home.ok(['start', 'sleep', '--', '600']);
    const [first] = await home.byName('sleep');
    await home.ok(['stop', 'sleep']);
    // `tsm start sleep` is the stopped app again, not a second app running the command.
    await home.ok(['start', 'sleep']);
    const again = await home.byName('sleep');
    expect(again).toHaveLength(1);
    expect(again[0]!.id).toBe(first!.id);

    const bad = await home.run(['start', 'no-such-command-here']);
    expect(bad.code).toBe(1);
    expect(bad.stderr).toContain("no app or id matches 'no-such-command-here'");
    expect(bad.stderr).toContain('nor such a command on PATH');
    const shapeless = await home.run(['start', 'no-such-command-here --flag']);
    expect(shapeless.code).toBe(1);
    expect((await home.list()).map((p) => p.name)).toEqual(['sleep']);
  });
});
