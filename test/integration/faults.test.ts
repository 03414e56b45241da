import { execFileSync } from 'node:child_process';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { afterEach, describe, expect, it } from 'vitest';
import { checkInvariants, processesOfHome } from '../../bench/lib/chaos.js';
import type { ProcessInfo } from '../../src/protocol/process-info.js';
import { freePort } from '../helpers/net.js';
import { isAlive } from '../helpers/procs.js';
import { TestHome } from '../helpers/tsm.js';
import { waitFor } from '../helpers/wait.js';

/**
 * Faults at the wrong moment: the daemon killed with SIGKILL (the OOM killer) while it starts
 * apps, reloads, or restores after an earlier crash; a full disk when it saves; an app whose
 * children would outlive it. Each ends with nothing lost and nothing left behind.
 */
let home: TestHome;
afterEach(async () => {
  await home.cleanup();
});

const saved = (): { apps: Array<{ spec: { name: string }; ids: number[] }> } =>
  JSON.parse(readFileSync(home.paths.appsFile, 'utf8')) as { apps: Array<{ spec: { name: string }; ids: number[] }> };

function commandLine(pid: number): string {
  try {
    return readFileSync(`/proc/${pid}/cmdline`, 'utf8');
  } catch {
    return '';
  }
}

async function killDaemon(): Promise<number> {
  const pid = Number(readFileSync(home.paths.pidFile, 'utf8'));
  process.kill(pid, 'SIGKILL');
  await waitFor('the daemon to die', () => !isAlive(pid));
  return pid;
}

/** Every app online (or stopped, as saved), the invariants true, nothing of an old daemon alive. */
async function expectRecovered(names: string[], oldPids: number[]): Promise<ProcessInfo[]> {
  const list = await waitFor('every app to be back online', async () => {
    const processes = await home.list();
    const ready = names.every((name) => processes.some((p) => p.name === name)) && processes.every((p) => p.status === 'online');
    return ready ? processes : null;
  });
  const daemonPid = await home.daemonPid();
  await waitFor('the invariants', async () => {
    const broken = checkInvariants({ home: home.home, daemonPid, processes: await home.list() });
    return broken.untracked.length + broken.deadListed.length + broken.duplicates.length === 0;
  });
  for (const pid of oldPids) expect(isAlive(pid), `old pid ${pid}`).toBe(false);
  return list;
}

describe('faults', () => {
  it('a daemon killed during the start of several apps loses none that was started, and leaves nothing', async () => {
    home = new TestHome();
    await home.ok(['start', 'idle.js', '--name', 'first']);
    const starts = [
      home.run(['start', 'idle.js', '--name', 'a', '-i', '3']),
      home.run(['start', 'idle.js', '--name', 'b']),
      home.run(['start', 'slow-stop.js', '--name', 'c']),
    ];
    await waitFor('a second app to be saved', () => existsSync(home.paths.appsFile) && saved().apps.length >= 2);
    const before = processesOfHome(home.home);
    await killDaemon();
    const results = await Promise.all(starts);
    const started = ['first', ...['a', 'b', 'c'].filter((_, i) => results[i]!.code === 0)];
    const after = await expectRecovered(started, before);
    // A start that got no answer may or may not have happened; one that answered did.
    for (const name of started) expect(after.some((p) => p.name === name), name).toBe(true);
  });

  it('a daemon killed during a reload comes back with the app once, all its workers online', async () => {
    home = new TestHome();
    const port = String(await freePort());
    await home.ok(['start', 'reloadable.js', '--name', 'web', '-i', '2', '--wait-ready'], {
      env: { PORT: port, MODE: 'ready', READY_DELAY: '1500' },
    });
    const workers = (await home.list()).map((p) => p.pid!);
    const reload = home.run(['reload', 'web'], { env: { PORT: port, MODE: 'ready', READY_DELAY: '1500' } });
    const daemonPid = await home.daemonPid();
    await waitFor('the replacement worker', () =>
      processesOfHome(home.home).some((pid) => !workers.includes(pid) && pid !== daemonPid && commandLine(pid).includes('reloadable.js')),
    );
    const doomed = processesOfHome(home.home);
    await killDaemon();
    expect((await reload).code).not.toBe(0);
    expect(saved().apps.map((app) => [app.spec.name, app.ids])).toEqual([['web', [0, 1]]]);
    const after = await expectRecovered(['web'], [...doomed, ...workers]);
    expect(after.map((p) => [p.name, p.id, p.instance])).toEqual([
      ['web', 0, 0],
      ['web', 1, 1],
    ]);
  });

  it('a daemon killed during its restore after a crash restores everything the next time', async () => {
    home = new TestHome();
    // slow-stop takes 1.5 s to end after SIGINT: the restore spends that long ending the leftover.
    await home.ok(['start', 'slow-stop.js', '--name', 'slow', '--kill-timeout', '4000']);
    await home.ok(['start', 'idle.js', '--name', 'web', '-i', '2']);
    await home.ok(['start', 'idle.js', '--name', 'resting']);
    await home.ok(['stop', 'resting']);
    const snapshot = readFileSync(home.paths.appsFile, 'utf8');
    const first = processesOfHome(home.home);
    await killDaemon();

    const ping = home.run(['ping']);
    await waitFor('the new daemon to end the leftover', () =>
      readFileSync(home.paths.daemonLog, 'utf8').includes('ending 1 process(es) the previous daemon left running'),
    );
    const second = processesOfHome(home.home);
    await killDaemon();
    await ping;
    // Nothing was rewritten during the restore: the list is whole.
    const whole = JSON.parse(snapshot) as { apps: unknown[] };
    expect(saved().apps).toEqual(whole.apps);

    await home.ok(['ping']);
    const after = await waitFor('the apps back', async () => {
      const list = await home.list();
      return list.filter((p) => p.status === 'online').length === 3 ? list : null;
    });
    expect(after.map((p) => [p.name, p.status]).sort()).toEqual([
      ['resting', 'stopped'],
      ['slow', 'online'],
      ['web', 'online'],
      ['web', 'online'],
    ]);
    const daemonPid = await home.daemonPid();
    await waitFor('nothing of the old daemons to be left', () =>
      [...first, ...second].every((pid) => pid === daemonPid || !isAlive(pid)),
    );
    expect(checkInvariants({ home: home.home, daemonPid, processes: await home.list() })).toEqual({
      untracked: [],
      deadListed: [],
      duplicates: [],
    });
  });

  it('the children of an app that crashes, or is killed from outside, end with it', async () => {
    home = new TestHome();
    await home.ok(['start', 'spawn-then-crash.js', '--name', 'fork']);
    await home.ok(['start', 'spawn-then-crash.js', '--name', 'cluster', '-i', '1']);
    const childOf = async (name: string): Promise<number> =>
      waitFor(`${name}'s child`, () => {
        const lines = readFileSync(`${home.paths.logsDir}/${name}-out${name === 'cluster' ? '-1' : ''}.log`, 'utf8').match(/child (\d+)/g);
        return lines ? Number(lines[lines.length - 1]!.split(' ')[1]) : null;
      });
    for (const name of ['fork', 'cluster']) {
      const child = await childOf(name);
      const [app] = await home.byName(name);
      expect(isAlive(child)).toBe(true);
      process.kill(app!.pid!, 'SIGKILL'); // a crash the app cannot clean up after
      await waitFor(`${name}'s child to end after the crash`, () => !isAlive(child));
      await waitFor(`${name} to be restarted`, async () => (await home.byName(name))[0]!.status === 'online');
    }
  });

  it.skipIf(process.getuid?.() !== 0)('on a full disk, a stop says it was made but not saved, and kill still finishes', async () => {
    home = new TestHome();
    execFileSync('mount', ['-t', 'tmpfs', '-o', 'size=2m,mode=0700', 'tmpfs', home.home]);
    try {
      await home.ok(['start', 'idle.js', '--name', 'web', '-o', 'NULL', '-e', 'NULL']);
      const [app] = await home.byName('web');
      // Fill what is left of the disk.
      let n = 0;
      try {
        for (;;) writeFileSync(`${home.home}/filler-${n++}`, Buffer.alloc(64 * 1024));
      } catch {
        // ENOSPC: the disk is full
      }
      const before = readFileSync(home.paths.appsFile, 'utf8');
      const stop = await home.run(['stop', 'web']);
      expect(stop.code).toBe(1);
      expect(stop.stderr).toContain('the processes were stopped, but the app list could not be saved');
      expect(stop.stderr).toContain(home.paths.appsFile);
      expect(isAlive(app!.pid!)).toBe(false);
      expect((await home.byName('web'))[0]!.status).toBe('stopped');
      expect(readFileSync(home.paths.appsFile, 'utf8')).toBe(before);

      const daemon = await home.daemonPid();
      const kill = await home.run(['kill']);
      expect(kill.code).toBe(1);
      expect(kill.stderr).toContain('and the daemon');
      expect(kill.stderr).toContain('could not be saved');
      expect(isAlive(daemon)).toBe(false);
    } finally {
      await home.run(['kill']);
      execFileSync('umount', [home.home]);
    }
  });
});
