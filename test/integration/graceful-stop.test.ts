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

function readOr(path: string | null): string {
  return path !== null && existsSync(path) ? readFileSync(path, 'utf8') : '';
}

/**
 * Running, not a zombie: a child orphaned by its app is re-parented to init, which in a container
 * may never reap it, so a killed orphan can stay a zombie that `kill(pid, 0)` still finds.
 */
function isRunning(pid: number): boolean {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    return !stat.slice(stat.lastIndexOf(')') + 2).startsWith('Z');
  } catch {
    return false;
  }
}

/** Starts an app and waits until its out log shows the line it prints once its handlers are set. */
async function startReady(args: string[], ready: RegExp, env: Record<string, string> = {}): Promise<ProcessInfo[]> {
  const name = args[args.indexOf('--name') + 1]!;
  await home.ok(['start', ...args], { env });
  const procs = await home.byName(name);
  for (const proc of procs) {
    await waitFor(`${name} (id ${proc.id}) to be ready`, () => ready.test(readOr(proc.outLog)));
  }
  return procs;
}

/** The pid an app printed as `child <pid>` in its out log. */
async function childPid(proc: ProcessInfo): Promise<number> {
  const match = await waitFor(`the child pid in ${proc.outLog}`, () => /^child (\d+)$/m.exec(readOr(proc.outLog)));
  return Number(match[1]);
}

describe('graceful stop', () => {
  it('sends SIGINT by default, and an app that handles it exits cleanly', async () => {
    home = new TestHome();
    const forkMarker = join(home.home, 'fork.marker');
    const clusterMarker = join(home.home, 'cluster.marker');
    const [fork] = await startReady(['graceful.js', '--name', 'gfork'], /^graceful \d+$/m, { MARKER_FILE: forkMarker });
    const [worker] = await startReady(['graceful.js', '--name', 'gcluster', '-i', '1'], /^graceful \d+$/m, {
      MARKER_FILE: clusterMarker,
    });
    expect(fork!.spec.killSignal).toBe('SIGINT');

    await home.ok(['stop', 'gfork', 'gcluster']);
    expect(readOr(forkMarker)).toBe('SIGINT\n');
    expect(readOr(clusterMarker)).toBe('SIGINT\n');
    const stopped = await home.list();
    for (const proc of stopped) {
      expect(proc).toMatchObject({ status: 'stopped', pid: null, restarts: 0, lastExit: { code: 0, signal: null } });
    }
    expect(isAlive(fork!.pid!)).toBe(false);
    expect(isAlive(worker!.pid!)).toBe(false);
  });

  it('sends the --kill-signal given instead', async () => {
    home = new TestHome();
    const marker = join(home.home, 'term.marker');
    const [proc] = await startReady(['rp-term.js', '--name', 'term', '--kill-signal', 'SIGTERM'], /^ready \d+$/m, {
      MARKER_FILE: marker,
    });
    expect(proc!.spec.killSignal).toBe('SIGTERM');
    expect((await home.ok(['show', 'term'])).stdout).toMatch(/│ kill\s+│ SIGTERM, SIGKILL after 5000 ms/);
    await home.ok(['stop', 'term']);
    expect(readOr(marker)).toBe('SIGTERM\n');
    const [stopped] = await home.byName('term');
    expect(stopped).toMatchObject({ status: 'stopped', lastExit: { code: 0, signal: null } });
  });

  it('SIGKILLs an app that ignores the signal once --kill-timeout has passed', async () => {
    home = new TestHome();
    const forkMarker = join(home.home, 'fork.marker');
    const clusterMarker = join(home.home, 'cluster.marker');
    const [fork] = await startReady(['rp-stubborn.js', '--name', 'sfork', '--kill-timeout', '300'], /^ready \d+$/m, {
      MARKER_FILE: forkMarker,
    });
    const [worker] = await startReady(
      ['rp-stubborn.js', '--name', 'scluster', '-i', '1', '--kill-timeout', '300'],
      /^ready \d+$/m,
      { MARKER_FILE: clusterMarker },
    );

    const before = Date.now();
    await home.ok(['stop', 'all']);
    const elapsed = Date.now() - before;
    const stopped = await home.list();
    for (const [proc, marker] of [
      [fork!, forkMarker],
      [worker!, clusterMarker],
    ] as const) {
      const after = stopped.find((p) => p.id === proc.id)!;
      expect(after).toMatchObject({ status: 'stopped', pid: null, lastExit: { code: null, signal: 'SIGKILL' } });
      expect(isAlive(proc.pid!)).toBe(false);
      // The app saw SIGINT, ignored it, and lived on until the kill timeout ran out.
      const got = /^SIGINT (\d+)$/m.exec(readOr(marker));
      expect(got, `the marker of ${proc.name}`).not.toBeNull();
      expect(after.lastExit!.at - Number(got![1])).toBeGreaterThanOrEqual(200);
    }
    // Far less than the default 5000 ms: the timeout given was used.
    expect(elapsed).toBeLessThan(4000);
  });

  it("with --shutdown-with-message sends 'shutdown' over IPC and no signal", async () => {
    home = new TestHome();
    const markers = {
      graceful: join(home.home, 'graceful.marker'),
      mfork: join(home.home, 'fork.marker'),
      mcluster: join(home.home, 'cluster.marker'),
    };
    await startReady(['graceful.js', '--name', 'graceful', '--shutdown-with-message'], /^graceful \d+$/m, {
      MARKER_FILE: markers.graceful,
    });
    // rp-message.js lingers after the message, so a signal sent as well would be recorded.
    await startReady(['rp-message.js', '--name', 'mfork', '--shutdown-with-message'], /^ready \d+$/m, {
      MARKER_FILE: markers.mfork,
    });
    await startReady(['rp-message.js', '--name', 'mcluster', '-i', '1', '--shutdown-with-message'], /^ready \d+$/m, {
      MARKER_FILE: markers.mcluster,
    });
    await home.ok(['stop', 'all']);
    for (const marker of Object.values(markers)) expect(readOr(marker), marker).toBe('message\n');
    for (const proc of await home.list()) {
      expect(proc).toMatchObject({ status: 'stopped', lastExit: { code: 0, signal: null } });
    }
  });

  it('stops the children a bash script started', async () => {
    home = new TestHome();
    // A non-interactive bash starts background jobs with SIGINT ignored: the child needs SIGKILL.
    const [script] = await startReady(['with-child.sh', '--name', 'sh', '--kill-timeout', '300'], /^child \d+$/m);
    const child = await childPid(script!);
    expect(isRunning(child)).toBe(true);
    await home.ok(['stop', 'sh']);
    expect(isRunning(script!.pid!)).toBe(false);
    expect(isRunning(child)).toBe(false);
    expect(await home.byName('sh')).toMatchObject([{ status: 'stopped', pid: null }]);
  });

  it('stops the children a cluster worker spawned, with the stop signal first', async () => {
    home = new TestHome();
    const workers = await startReady(['rp-spawner.js', '--name', 'spawner', '-i', '2', '--kill-timeout', '5000'], /^child \d+$/m);
    const children = await Promise.all(workers.map(childPid));
    expect(new Set(children).size).toBe(2);
    for (const pid of children) expect(isRunning(pid)).toBe(true);
    const before = Date.now();
    await home.ok(['stop', 'spawner']);
    for (const worker of workers) expect(isRunning(worker.pid!)).toBe(false);
    for (const pid of children) expect(isRunning(pid), `child ${pid}`).toBe(false);
    // The sleeps die of the SIGINT sent to the tree, not of a SIGKILL after the 5 s kill timeout.
    expect(Date.now() - before).toBeLessThan(4000);
  });

  it('delete of an app that ignores the signal ends it within the kill timeout', async () => {
    home = new TestHome();
    const [proc] = await startReady(['stubborn.js', '--name', 'stubborn', '--kill-timeout', '300'], /^stubborn \d+$/m);
    const before = Date.now();
    const deleted = await home.ok(['delete', 'stubborn']);
    const elapsed = Date.now() - before;
    expect(deleted.stderr).toContain('deleted stubborn');
    expect(isAlive(proc!.pid!)).toBe(false);
    expect(await home.list()).toEqual([]);
    expect(elapsed).toBeLessThan(4000);
    expect(readOr(proc!.outLog)).toContain('ignoring SIGINT');
    expect(readFileSync(home.paths.daemonLog, 'utf8')).toContain('stopped stubborn (id 0) (signal SIGKILL)');
  });
});
