import { copyFileSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { runLoad } from '../helpers/load.js';
import { freePort } from '../helpers/net.js';
import { FIXTURES, TestHome } from '../helpers/tsm.js';
import { waitFor } from '../helpers/wait.js';

/** What restarts an app besides a crash: its memory limit, file changes, a schedule. */
let home: TestHome;
let dir: string | null = null;
afterEach(async () => {
  await home.cleanup();
  if (dir) rmSync(dir, { recursive: true, force: true });
  dir = null;
});

const one = async (name: string) => (await home.byName(name))[0]!;

describe('restart triggers', () => {
  it('restarts a fork app over --max-memory-restart, and says why', async () => {
    home = new TestHome();
    await home.ok(['start', 'grow.js', '--name', 'leak', '--max-memory-restart', '80M']);
    const restarted = await waitFor('a restart for memory', async () => ((await one('leak')).restarts >= 1 ? one('leak') : null), {
      timeoutMs: 20_000,
    });
    expect(restarted.restartCause?.cause).toMatch(/^memory limit: [\d.]+ MB over 80\.0 MB$/);
    const shown = (await home.ok(['show', 'leak'])).stdout;
    expect(shown).toMatch(/last restart\W+memory limit/);
    expect(readFileSync(home.paths.daemonLog, 'utf8')).toMatch(/leak: memory limit: [\d.]+ MB over 80\.0 MB; restarting id 0/);
    const jlist = JSON.parse((await home.ok(['jlist'])).stdout) as Array<{ pm2_env: { restart_cause: string; max_memory_restart: number } }>;
    expect(jlist[0]!.pm2_env.max_memory_restart).toBe(80 * 1024 * 1024);
  });

  it('reloads only the cluster worker over its limit, without a failed request', async () => {
    home = new TestHome();
    const port = await freePort();
    await home.ok(['start', 'grow.js', '--name', 'web', '-i', '2', '--max-memory-restart', '80M'], {
      env: { PORT: String(port), GROW: '0' },
    });
    const load = runLoad(port, { clients: 4 });
    const [, second] = await home.byName('web');
    await waitFor('a reload of instance 0', async () => (await home.byName('web'))[0]!.restarts >= 1, { timeoutMs: 20_000 });
    const result = await load.stop();
    expect(result.failures).toEqual([]);
    expect(result.ok).toBeGreaterThan(0);
    const after = await home.byName('web');
    expect(after[1]!.pid).toBe(second!.pid); // the worker under its limit was left alone
    expect(after[0]!.restartCause?.cause).toMatch(/^memory limit/);
  });

  it("restarts on a file change under --watch, once for a burst, never for the app's own log", async () => {
    home = new TestHome();
    dir = mkdtempSync(join(tmpdir(), 'tsm-watched-'));
    copyFileSync(join(FIXTURES, 'ticker-here.js'), join(dir, 'app.js'));
    const log = join(dir, 'app.log');
    await home.ok(['start', join(dir, 'app.js'), '--name', 'w', '--watch', '--watch-delay', '200', '-o', log, '--cwd', dir]);
    const lines = (): number => readFileSync(log, 'utf8').split('\n').length;
    // 40 lines (2 s, ten watch delays) written into the watched folder: its own log restarts nothing.
    await waitFor('the app to write 40 lines where it is watched', () => lines() > 40);
    expect((await one('w')).restarts).toBe(0);

    for (let i = 0; i < 10; i += 1) writeFileSync(join(dir, `lib${i}.js`), `// ${i}`);
    const restarted = await waitFor('the restart', async () => ((await one('w')).restarts >= 1 ? one('w') : null));
    expect(restarted.restartCause?.cause).toMatch(new RegExp(`^file change: ${dir}/lib\\d\\.js$`));
    const at = lines();
    await waitFor('another 40 lines after the restart', () => lines() > at + 40);
    expect((await one('w')).restarts).toBe(1); // the burst made one restart

    // A change in node_modules or a dot-folder is not a change of the app.
    const bad = await home.run(['start', 'idle.js', '--name', 'x', '--watch', join(dir, 'missing')]);
    expect(bad.code).toBe(2);
    expect(bad.stderr).toContain('missing');
  });

  it('restarts on a cron schedule, and refuses an expression that is not one', async () => {
    home = new TestHome();
    await home.ok(['start', 'idle.js', '--name', 'c', '--cron-restart', '*/1 * * * * *']);
    const restarted = await waitFor('two scheduled restarts', async () => ((await one('c')).restarts >= 2 ? one('c') : null));
    expect(restarted.restartCause?.cause).toBe('cron */1 * * * * *');
    await home.ok(['stop', 'c']);
    const stopped = await one('c');
    expect(stopped.status).toBe('stopped');

    const bad = await home.run(['start', 'idle.js', '--name', 'd', '--cron-restart', '61 * * * *']);
    expect(bad.code).toBe(2);
    expect((await home.list()).map((p) => p.name)).toEqual(['c']);
  });
});
