import { spawnSync } from 'node:child_process';
import { lstatSync, readFileSync, renameSync, rmSync, unlinkSync, writeFileSync } from 'node:fs';
import { afterEach, describe, expect, it } from 'vitest';
import { DaemonConnection } from '../../src/client/connection.js';
import { isAlive, processesOfHome } from '../helpers/procs.js';
import { TestHome } from '../helpers/tsm.js';
import { waitFor } from '../helpers/wait.js';

let home: TestHome;
let stopped: number | null = null;
afterEach(async () => {
  if (stopped !== null) process.kill(stopped, 'SIGCONT');
  stopped = null;
  await home.cleanup();
});

function isSocket(path: string): boolean {
  try {
    return lstatSync(path).isSocket();
  } catch {
    return false;
  }
}

describe('the control socket comes back', () => {
  it('a deleted socket file is bound again (0600) by the same daemon; open connections go on', async () => {
    home = new TestHome();
    await home.ok(['start', 'idle.js']);
    const daemon = await home.daemonPid();
    const before = lstatSync(home.paths.socket).ino;
    const open = await DaemonConnection.open({ socketPath: home.paths.socket, daemonLog: home.paths.daemonLog });
    try {
      unlinkSync(home.paths.socket);
      await waitFor('the socket to come back', () => isSocket(home.paths.socket) && lstatSync(home.paths.socket).ino !== before);
      expect(lstatSync(home.paths.socket).mode & 0o777).toBe(0o600);
      const list = await home.list();
      expect(list).toMatchObject([{ name: 'idle', status: 'online' }]);
      expect(await home.daemonPid()).toBe(daemon);
      // The connection opened before the delete does not go through the file.
      expect(await open.request('list', {})).toHaveLength(1);
    } finally {
      open.close();
    }
    // Once: a re-bind must not count as another loss (libuv unlinks a closed server's path).
    const rebinds = readFileSync(home.paths.daemonLog, 'utf8').split('\n').filter((line) => line.includes('control socket'));
    expect(rebinds).toHaveLength(1);
    expect(rebinds[0]).toContain(`the control socket ${home.paths.socket} was deleted; listening on a new one`);
  });

  it('a socket file replaced by something else is replaced by a socket again', async () => {
    home = new TestHome();
    const daemon = await home.daemonPid();
    // Renamed over the socket in one step: a delete then a write would race the daemon's re-bind.
    const impostor = `${home.paths.socket}.impostor`;
    writeFileSync(impostor, 'not a socket\n');
    renameSync(impostor, home.paths.socket);
    await waitFor('a socket at the path again', () => isSocket(home.paths.socket));
    expect(await home.daemonPid()).toBe(daemon);
    // And again: each re-bind is watched like the first.
    rmSync(home.paths.socket);
    await waitFor('a socket at the path again', () => isSocket(home.paths.socket));
    expect(await home.daemonPid()).toBe(daemon);
  });

  it('while the socket is missing, the CLI says so and starts no second daemon', async () => {
    home = new TestHome();
    await home.ok(['start', 'idle.js']);
    const daemon = await home.daemonPid();
    const processes = processesOfHome(home.home).sort();
    // A stopped daemon cannot re-bind: the socket stays missing for as long as the test wants.
    process.kill(daemon, 'SIGSTOP');
    stopped = daemon;
    unlinkSync(home.paths.socket);
    const [list, ping] = await Promise.all([home.run(['list']), home.run(['ping'])]);
    const expected =
      `a daemon runs for ${home.home} (pid ${daemon}) but its socket ${home.paths.socket} is missing; ` +
      'it re-creates it by itself, try again in a moment';
    for (const result of [list, ping]) {
      expect(result.code, result.stderr).toBe(1);
      expect(result.stderr).toContain(expected);
      expect(result.stdout).toBe('');
    }
    expect(processesOfHome(home.home).sort()).toEqual(processes);
    expect(readFileSync(home.paths.pidFile, 'utf8').trim()).toBe(String(daemon));

    process.kill(daemon, 'SIGCONT');
    stopped = null;
    await waitFor('the socket to come back', () => isSocket(home.paths.socket));
    expect(await home.list()).toMatchObject([{ name: 'idle', status: 'online' }]);
    expect(await home.daemonPid()).toBe(daemon);
  });

  it('a pid file whose process is dead still means no daemon: list shows nothing, ping starts one', async () => {
    home = new TestHome();
    const dead = spawnSync(process.execPath, ['-e', 'process.stdout.write(String(process.pid))'], { encoding: 'utf8' });
    const deadPid = Number(dead.stdout);
    expect(isAlive(deadPid)).toBe(false);
    writeFileSync(home.paths.pidFile, `${deadPid}\n`);
    const list = await home.run(['list', '--json']);
    expect(list.code, list.stderr).toBe(0);
    expect(JSON.parse(list.stdout)).toEqual([]);
    const daemon = await home.daemonPid();
    expect(daemon).not.toBe(deadPid);
    expect(isAlive(daemon)).toBe(true);
  });
});
