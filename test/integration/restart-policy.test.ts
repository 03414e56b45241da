import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import type { ProcessInfo } from '../../src/protocol/process-info.js';
import { isAlive } from '../helpers/procs.js';
import { TestHome } from '../helpers/tsm.js';
import { waitFor } from '../helpers/wait.js';

let home: TestHome;
afterEach(async () => {
  await home.cleanup();
});

/** The lines of a file, [] while it does not exist yet (or there is none). */
function linesOf(path: string | null): string[] {
  return path !== null && existsSync(path) ? readFileSync(path, 'utf8').split('\n').filter((line) => line !== '') : [];
}

/** The start times rp-crash-log.js appended, one per run. */
function runTimes(path: string): number[] {
  return linesOf(path).map(Number);
}

function intervals(times: readonly number[]): number[] {
  return times.slice(1).map((time, i) => time - times[i]!);
}

/** The delays the daemon logged when it scheduled each restart of an app, in order. */
function plannedDelays(name: string): number[] {
  const pattern = new RegExp(`${name} \\(id \\d+\\) exited .*; restarting in (\\d+) ms`, 'g');
  return [...readFileSync(home.paths.daemonLog, 'utf8').matchAll(pattern)].map((match) => Number(match[1]));
}

async function one(name: string): Promise<ProcessInfo> {
  const [info] = await home.byName(name);
  if (!info) throw new Error(`no app named ${name}`);
  return info;
}

async function statusOf(name: string, status: ProcessInfo['status']): Promise<ProcessInfo | null> {
  const info = await one(name);
  return info.status === status ? info : null;
}

describe('restart policy', () => {
  it('restarts a crash loop max_restarts times, then marks it errored with its last exit', async () => {
    home = new TestHome();
    await home.ok(['start', 'crash.js', '--name', 'loop', '--max-restarts', '3']);
    const errored = await waitFor('the crash loop to be errored', () => statusOf('loop', 'errored'));
    expect(errored).toMatchObject({ restarts: 3, unstableRestarts: 3, pid: null });
    expect(errored.lastExit).toMatchObject({ code: 1, signal: null });

    // Errored is final: the four runs (the first and 3 restarts) each printed one line, no fifth.
    await waitFor('the fourth run to be logged', () => linesOf(errored.errLog).length >= 4);
    const shown = (await home.ok(['show', 'loop'])).stdout;
    expect(shown).toMatch(/│ last exit\s+│ code 1 at /);
    expect(shown).toMatch(/│ status\s+│ errored/);
    expect(shown).toMatch(/│ restarts\s+│ 3 /);
    const log = readFileSync(home.paths.daemonLog, 'utf8');
    expect(log.match(/loop \(id 0\) exited \(code 1\)/g)).toHaveLength(4);
    expect(log).toMatch(/loop \(id 0\) exited \(code 1\).*errored/);
    expect(linesOf(errored.errLog)).toHaveLength(4);
    expect(await one('loop')).toMatchObject({ status: 'errored', restarts: 3 });

    const [pm2] = JSON.parse((await home.ok(['jlist'])).stdout) as Array<{ pm2_env: Record<string, unknown> }>;
    expect(pm2!.pm2_env).toMatchObject({ status: 'errored', restart_time: 3, exit_code: 1 });
  });

  it('restarts an app killed from outside, as a crash', async () => {
    home = new TestHome();
    await home.ok(['start', 'idle.js', '--name', 'victim']);
    const before = await one('victim');
    process.kill(before.pid!, 'SIGKILL');
    const after = await waitFor('a new process', async () => {
      const info = await one('victim');
      return info.status === 'online' && info.pid !== before.pid ? info : null;
    });
    expect(after).toMatchObject({ restarts: 1, lastExit: { code: null, signal: 'SIGKILL' } });
    expect(readFileSync(home.paths.daemonLog, 'utf8')).toMatch(/victim \(id 0\) exited \(signal SIGKILL\).*restarting in 0 ms/);
  });

  it('waits --restart-delay between a crash and the next start', async () => {
    home = new TestHome();
    const crashLog = join(home.home, 'runs.log');
    await home.ok(['start', 'rp-crash-log.js', '--name', 'slow', '--restart-delay', '500', '--max-restarts', '2'], {
      env: { CRASH_LOG: crashLog },
    });
    const errored = await waitFor('the app to be errored after 2 restarts', () => statusOf('slow', 'errored'));
    expect(errored.restarts).toBe(2);
    expect(plannedDelays('slow')).toEqual([500, 500]);
    const gaps = intervals(runTimes(crashLog));
    expect(gaps).toHaveLength(2);
    // Each run exits at once, so the time from one start to the next is the delay plus a spawn.
    for (const gap of gaps) expect(gap).toBeGreaterThanOrEqual(500);
  });

  it('grows the delay by half at each crash with --exp-backoff-restart-delay', async () => {
    home = new TestHome();
    const crashLog = join(home.home, 'runs.log');
    await home.ok(['start', 'rp-crash-log.js', '--name', 'backoff', '--exp-backoff-restart-delay', '200'], {
      env: { CRASH_LOG: crashLog },
    });
    const times = await waitFor('five runs', () => (runTimes(crashLog).length >= 5 ? runTimes(crashLog) : null));
    // 200 ms, then x1.5 at each crash: what the daemon planned, and what the app lived through.
    const expected = [200, 300, 450, 675];
    expect(plannedDelays('backoff').slice(0, 4)).toEqual(expected);
    const gaps = intervals(times).slice(0, 4);
    gaps.forEach((gap, i) => expect(gap, `gap ${i} of ${JSON.stringify(gaps)}`).toBeGreaterThanOrEqual(expected[i]!));
    expect((await one('backoff')).status).not.toBe('errored');
  });

  it('with --no-autorestart, a crash ends errored and a clean exit ends stopped, neither restarted', async () => {
    home = new TestHome();
    await home.ok(['start', 'crash.js', '--name', 'failing', '--no-autorestart']);
    await home.ok(['start', 'crash.js', '--name', 'clean', '--no-autorestart'], { env: { EXIT_CODE: '0' } });
    const failing = await waitFor('the crash to end errored', () => statusOf('failing', 'errored'));
    const clean = await waitFor('the clean exit to end stopped', () => statusOf('clean', 'stopped'));
    expect(failing).toMatchObject({ restarts: 0, pid: null, lastExit: { code: 1, signal: null } });
    expect(clean).toMatchObject({ restarts: 0, pid: null, lastExit: { code: 0, signal: null } });
    expect(failing.spec.autorestart).toBe(false);
    const log = readFileSync(home.paths.daemonLog, 'utf8');
    expect(log).toContain('failing (id 0) exited (code 1)');
    expect(log).toContain('clean (id 1) exited (code 0)');
    expect(log).not.toContain('restarting in');
    await waitFor('each app to have logged its one run', () => linesOf(failing.errLog).length === 1 && linesOf(clean.errLog).length === 1);
    expect((await home.list()).map((p) => [p.name, p.status, p.restarts])).toEqual([
      ['failing', 'errored', 0],
      ['clean', 'stopped', 0],
    ]);
  });

  it('does not restart after an exit code listed in --stop-exit-codes, and restarts after another', async () => {
    home = new TestHome();
    await home.ok(['start', 'crash.js', '--name', 'three', '--stop-exit-codes', '3'], { env: { EXIT_CODE: '3' } });
    await home.ok(['start', 'crash.js', '--name', 'one', '--stop-exit-codes', '3', '--max-restarts', '1'], {
      env: { EXIT_CODE: '1' },
    });
    const three = await waitFor('exit code 3 to end stopped', () => statusOf('three', 'stopped'));
    expect(three).toMatchObject({ restarts: 0, pid: null, lastExit: { code: 3, signal: null } });
    expect(three.spec.stopExitCodes).toEqual([3]);
    const crashing = await waitFor('exit code 1 to be restarted, then errored', () => statusOf('one', 'errored'));
    expect(crashing).toMatchObject({ restarts: 1, lastExit: { code: 1 } });
    expect(await one('three')).toMatchObject({ status: 'stopped', restarts: 0 });
    expect(readFileSync(home.paths.daemonLog, 'utf8')).toContain('three (id 0) exited (code 3) after');
  });

  it('keeps restarting an app whose runs outlast --min-uptime, and errors one whose runs do not', async () => {
    home = new TestHome();
    // Both crash after ~300 ms; one counts that as a stable run, the other as a crash loop.
    await home.ok(['start', 'rp-crash-later.js', '--name', 'stable', '--min-uptime', '100', '--max-restarts', '1']);
    await home.ok(['start', 'rp-crash-later.js', '--name', 'unstable', '--min-uptime', '2000', '--max-restarts', '1']);
    const unstable = await waitFor('the short-lived app to be errored', () => statusOf('unstable', 'errored'));
    expect(unstable).toMatchObject({ restarts: 1, unstableRestarts: 1 });
    const stable = await waitFor('three restarts of the app that outlives min-uptime', async () => {
      const info = await one('stable');
      return info.restarts >= 3 ? info : null;
    });
    expect(stable.status).not.toBe('errored');
    expect(stable.unstableRestarts).toBe(0);
    expect(readFileSync(home.paths.daemonLog, 'utf8')).not.toMatch(/stable \(id 0\).*errored/);
  });

  it('never counts a deliberate stop as a crash, whether the app runs or waits to restart', async () => {
    home = new TestHome();
    const loopLog = join(home.home, 'loop.log');
    await home.ok(['start', 'idle.js', '--name', 'calm']);
    // A long delay, so the stop surely lands while the restart is pending.
    // Long enough for a loaded 2-core machine to run `tsm stop` within it.
    await home.ok(['start', 'rp-crash-log.js', '--name', 'looping', '--restart-delay', '4000'], {
      env: { CRASH_LOG: loopLog },
    });
    const [calm] = await home.byName('calm');
    await waitFor('the crash loop to wait for a restart', () => statusOf('looping', 'waiting-restart'));
    await home.ok(['stop', 'calm', 'looping']);
    const runsAtStop = runTimes(loopLog).length;
    const restartsAtStop = (await one('looping')).restarts;
    expect(isAlive(calm!.pid!)).toBe(false);

    // A witness app started after the stop: once it has crashed, waited as long and crashed again,
    // a restart timer the stop failed to clear would have fired too.
    await home.ok(['start', 'rp-crash-log.js', '--name', 'witness', '--restart-delay', '4000', '--max-restarts', '1'], {
      env: { CRASH_LOG: join(home.home, 'witness.log') },
    });
    await waitFor('the witness to be errored', () => statusOf('witness', 'errored'), { timeoutMs: 15_000 });
    await waitFor('the daemon log to record the stop', () =>
      readFileSync(home.paths.daemonLog, 'utf8').includes('stopped calm (id 0) (signal SIGINT)'),
    );

    const after = await home.list();
    expect(after.find((p) => p.name === 'calm')).toMatchObject({
      status: 'stopped',
      restarts: 0,
      pid: null,
      lastExit: { signal: 'SIGINT' },
    });
    const looping = after.find((p) => p.name === 'looping')!;
    expect(looping).toMatchObject({ status: 'stopped', pid: null, restarts: restartsAtStop });
    expect(runTimes(loopLog)).toHaveLength(runsAtStop);
    const log = readFileSync(home.paths.daemonLog, 'utf8');
    expect(log).not.toMatch(/calm \(id 0\) exited/);
    // The stop found no process to signal: it cancelled the pending restart.
    expect(log).not.toContain('stopped looping');
  });

  it('counts each tsm restart as one restart', async () => {
    home = new TestHome();
    await home.ok(['start', 'idle.js', '--name', 'again']);
    const [first] = await home.byName('again');
    expect(first!.restarts).toBe(0);
    await home.ok(['restart', 'again']);
    const [second] = await home.byName('again');
    expect(second).toMatchObject({ status: 'online', restarts: 1, unstableRestarts: 0 });
    expect(second!.pid).not.toBe(first!.pid);
    expect(isAlive(first!.pid!)).toBe(false);
    await home.ok(['restart', '0']);
    const [third] = await home.byName('again');
    expect(third).toMatchObject({ status: 'online', restarts: 2 });
    expect(third!.pid).not.toBe(second!.pid);
    expect(readFileSync(home.paths.daemonLog, 'utf8')).not.toContain('restarting in');
  });

  it("jlist reports PM2's fields: restart_time, status, exec_mode, pm_id, monit, log paths", async () => {
    home = new TestHome();
    await home.ok(['start', 'idle.js', '--name', 'forked']);
    await home.ok(['start', 'idle.js', '--name', 'clustered', '-i', '1']);
    await home.ok(['restart', 'forked']);
    const mine = await home.list();
    type Pm2 = {
      pid: number;
      name: string;
      pm_id: number;
      monit: { cpu: number; memory: number };
      pm2_env: Record<string, unknown>;
    };
    const sampled = await waitFor('memory samples for both apps', async () => {
      const apps = JSON.parse((await home.ok(['jlist'])).stdout) as Pm2[];
      return apps.length === 2 && apps.every((app) => app.monit.memory > 0) ? apps : null;
    });
    const forked = sampled.find((app) => app.name === 'forked')!;
    const clustered = sampled.find((app) => app.name === 'clustered')!;
    expect(forked).toMatchObject({ pm_id: 0, pid: mine[0]!.pid });
    expect(forked.pm2_env).toMatchObject({
      status: 'online',
      restart_time: 1,
      exec_mode: 'fork_mode',
      pm_id: 0,
      pm_out_log_path: join(home.paths.logsDir, 'forked-out.log'),
      pm_err_log_path: join(home.paths.logsDir, 'forked-error.log'),
    });
    expect(clustered).toMatchObject({ pm_id: 1, pid: mine[1]!.pid });
    expect(clustered.pm2_env).toMatchObject({
      status: 'online',
      restart_time: 0,
      exec_mode: 'cluster_mode',
      pm_id: 1,
      NODE_APP_INSTANCE: 0,
      pm_out_log_path: join(home.paths.logsDir, 'clustered-out-1.log'),
    });
    for (const app of sampled) {
      expect(typeof app.monit.cpu).toBe('number');
      expect(app.monit.cpu).toBeGreaterThanOrEqual(0);
      expect(app.monit.memory).toBeGreaterThan(1024 * 1024); // a Node process is megabytes
    }
  });
});
