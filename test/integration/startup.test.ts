import { execFile } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir, userInfo } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { RUNTIME_BIN } from '../helpers/runtime.js';
import { BIN, TestHome, type RunResult } from '../helpers/tsm.js';

let home: TestHome;
let dirs: string[] = [];
afterEach(async () => {
  for (const dir of dirs) rmSync(dir, { recursive: true, force: true });
  dirs = [];
  await home.cleanup();
});

function tempDir(): string {
  const dir = mkdtempSync(join(tmpdir(), 'tsm-unit-'));
  dirs.push(dir);
  return dir;
}

const user = userInfo().username;
const unitFile = `tsm-${user}.service`;

function verify(path: string): Promise<RunResult> {
  return new Promise((resolve) => {
    execFile('systemd-analyze', ['verify', path], { timeout: 60_000 }, (error, stdout, stderr) => {
      resolve({ code: error ? (typeof error.code === 'number' ? error.code : 1) : 0, stdout, stderr });
    });
  });
}

describe('tsm startup', () => {
  it('--print prints a unit that systemd-analyze verify accepts, and changes nothing', async () => {
    home = new TestHome();
    // The unit's stop timeout follows the longest kill timeout of the saved apps.
    await home.ok(['start', 'idle.js', '-k', '40000']);
    await home.ok(['save']);
    const before = readdirSync(home.home).sort();
    const { stdout } = await home.ok(['startup', 'systemd', '--print']);
    expect(readdirSync(home.home).sort()).toEqual(before);
    expect(stdout.split('\n')[0]).toMatch(/^# tsm-managed unit:/);
    expect(stdout).toContain('Type=simple');
    expect(stdout).toContain(`User=${user}`);
    expect(stdout).toContain(`Environment="TSM_HOME=${home.home}"`);
    expect(stdout).toContain(`ExecStart="${process.execPath}" "--max-semi-space-size=2" "--jitless" "--no-expose-wasm" "${RUNTIME_BIN}" resurrect`);
    expect(stdout).toContain('Restart=on-failure');
    expect(stdout).toContain('KillMode=mixed');
    expect(stdout).toContain('TimeoutStopSec=55'); // 40 s + 15 s for the daemon

    const dir = tempDir();
    writeFileSync(join(dir, unitFile), stdout);
    const verified = await verify(join(dir, unitFile));
    expect(verified).toMatchObject({ code: 0 });
    // verify only warns (exit 0) about a setting it cannot parse: no word about our unit at all.
    expect(verified.stderr).not.toContain(unitFile);
  });

  it('writes the unit (to --unit-dir, without systemctl), replaces its own, and unstartup removes it', async () => {
    home = new TestHome();
    const dir = tempDir();
    const first = await home.ok(['startup', '--unit-dir', dir, '--tsm-home', '/srv/tsm home']);
    expect(first.stderr).toContain(`wrote ${join(dir, unitFile)}`);
    const unit = readFileSync(join(dir, unitFile), 'utf8');
    expect(unit).toContain('Environment="TSM_HOME=/srv/tsm home"');
    expect((await verify(join(dir, unitFile))).code).toBe(0);
    await home.ok(['startup', 'systemd', '--unit-dir', dir]);
    expect(readFileSync(join(dir, unitFile), 'utf8')).toContain(`Environment="TSM_HOME=${home.home}"`);
    expect(readdirSync(dir)).toEqual([unitFile]);

    await home.ok(['unstartup', 'systemd', '--unit-dir', dir]);
    expect(readdirSync(dir)).toEqual([]);
    const again = await home.ok(['unstartup', '--unit-dir', dir]);
    expect(again.stderr).toContain('nothing to remove');
  });

  it('refuses a unit file that is not tsm\'s, for startup and unstartup, and leaves it as it is', async () => {
    home = new TestHome();
    const dir = tempDir();
    const foreign = '[Unit]\nDescription=someone else\n';
    writeFileSync(join(dir, unitFile), foreign);
    for (const command of ['startup', 'unstartup']) {
      const result = await home.run([command, '--unit-dir', dir]);
      expect(result.code).toBe(1);
      expect(result.stderr).toContain(`${join(dir, unitFile)} exists and was not written by tsm`);
      expect(readFileSync(join(dir, unitFile), 'utf8')).toBe(foreign);
    }
  });

  it('names what is supported for another init system, exit 2, nothing written', async () => {
    home = new TestHome();
    const dir = tempDir();
    for (const command of ['startup', 'unstartup']) {
      const result = await home.run([command, 'upstart', '--unit-dir', dir]);
      expect(result.code).toBe(2);
      expect(result.stderr).toMatch(/upstart: not supported\. tsm writes units for systemd only/);
    }
    expect(readdirSync(dir)).toEqual([]);
  });

  it.skipIf(userInfo().uid !== 0)('not root, without --print: prints the sudo command, exit 1', async () => {
    home = new TestHome();
    const result = await new Promise<RunResult>((resolve) => {
      // As `nobody`, whose home is not writable: nothing may be written anyway.
      execFile(process.execPath, [BIN, 'startup'], { uid: 65534, gid: 65534, env: home.env(), cwd: '/' }, (error, stdout, stderr) => {
        resolve({ code: error ? (typeof error.code === 'number' ? error.code : 1) : 0, stdout, stderr });
      });
    });
    expect(result.code).toBe(1);
    expect(result.stderr).toContain(`sudo ${process.execPath} ${BIN} startup systemd --user nobody --tsm-home ${home.home}`);
  });

  it.skipIf(userInfo().uid !== 0 || existsSync('/run/systemd/system'))('as root on a machine without systemd: says so, exit 1', async () => {
    home = new TestHome();
    const result = await home.run(['startup']);
    expect(result.code).toBe(1);
    expect(result.stderr).toContain('this machine does not run systemd');
    expect(existsSync(join('/etc/systemd/system', unitFile))).toBe(false);
  });
});
