import { execFile, spawn } from 'node:child_process';
import { chmodSync, chownSync, existsSync, lstatSync, mkdirSync, readFileSync, statSync, symlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { processesOfHome } from '../helpers/procs.js';
import { BIN, FIXTURES, ROOT, TestHome, type RunResult } from '../helpers/tsm.js';
import { waitFor } from '../helpers/wait.js';

const NOBODY = 65534;
const DAEMON_ENTRY = join(ROOT, 'dist', 'daemon', 'entry.js');

let home: TestHome;
afterEach(async () => {
  await home.cleanup();
});

function modeOf(path: string): number {
  return statSync(path).mode & 0o7777;
}

/** Runs the CLI with exactly this environment (TestHome.run drops NODE_OPTIONS, which these tests need). */
function runWithEnv(args: string[], env: NodeJS.ProcessEnv): Promise<RunResult> {
  return new Promise((resolve) => {
    execFile(process.execPath, [BIN, ...args], { cwd: FIXTURES, env, timeout: 60_000 }, (error, stdout, stderr) => {
      resolve({ code: error ? (typeof error.code === 'number' ? error.code : 1) : 0, stdout, stderr });
    });
  });
}

/** Starts the daemon by hand, as `node dist/daemon/entry.js --home <home>`, the way a service file could. */
function daemonByHand(): { exited: Promise<{ code: number | null; stderr: string }> } {
  const child = spawn(process.execPath, [DAEMON_ENTRY, '--home', home.home], {
    env: { TSM_HOME: home.home, PATH: process.env['PATH'] ?? '' },
    stdio: ['ignore', 'ignore', 'pipe'],
  });
  let stderr = '';
  child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
  return { exited: new Promise((resolve) => child.once('exit', (code) => resolve({ code, stderr }))) };
}

/** Nothing of tsm's came to life: no process with this home, no socket. */
function nothingStarted(): void {
  expect(processesOfHome(home.home)).toEqual([]);
  expect(existsSync(home.paths.socket)).toBe(false);
}

describe('the home', () => {
  it('that exists with mode 0755 is made 0700 by the CLI; logs/ is created 0700', async () => {
    home = new TestHome();
    chmodSync(home.home, 0o755);
    await home.ok(['start', 'idle.js', '--name', 'hs']);
    expect(modeOf(home.home)).toBe(0o700);
    expect(modeOf(home.paths.logsDir)).toBe(0o700);
  });

  it('is made 0700 by a daemon started by hand too', async () => {
    home = new TestHome();
    chmodSync(home.home, 0o755);
    daemonByHand();
    await waitFor('the daemon to answer', async () => (await home.run(['ping'])).code === 0);
    expect(modeOf(home.home)).toBe(0o700);
  });

  it('owned by another user is refused with E_HOME, naming the path, the owner and what to do; nothing starts', async () => {
    home = new TestHome();
    chownSync(home.home, NOBODY, NOBODY);
    const result = await home.run(['start', 'idle.js', '--name', 'hs']);
    expect(result.code).toBe(1);
    expect(result.stderr).toContain(
      `TSM_HOME ${home.home} is owned by uid ${NOBODY}, and tsm runs as uid 0; tsm keeps its socket and logs there, ` +
        'so it must be yours: chown it to uid 0, or set TSM_HOME to another directory.',
    );
    nothingStarted();
    expect(existsSync(home.paths.daemonLog)).toBe(false);
    expect(modeOf(home.home)).toBe(0o700); // not ours to change
  });

  it("owned by another user is refused by a daemon started by hand, which creates nothing there", async () => {
    home = new TestHome();
    chownSync(home.home, NOBODY, NOBODY);
    chmodSync(home.home, 0o777);
    const { code, stderr } = await daemonByHand().exited;
    expect(code).toBe(1);
    expect(stderr).toContain(`TSM_HOME ${home.home} is owned by uid ${NOBODY}`);
    expect(existsSync(home.paths.pidFile)).toBe(false);
    expect(existsSync(home.paths.logsDir)).toBe(false);
    expect(modeOf(home.home)).toBe(0o777);
  });

  it('with a logs/ owned by another user and writable by all is refused, naming the folder; nothing starts', async () => {
    home = new TestHome();
    mkdirSync(home.paths.logsDir);
    chownSync(home.paths.logsDir, NOBODY, NOBODY);
    chmodSync(home.paths.logsDir, 0o777);
    const result = await home.run(['start', 'idle.js', '--name', 'hs']);
    expect(result.code).toBe(1);
    expect(result.stderr).toContain(`${home.paths.logsDir} is owned by uid ${NOBODY}, writable by others (mode 0777)`);
    expect(result.stderr).toContain('chown it to uid 0, or move it away');
    nothingStarted();
  });

  it('with a logs/ of ours writable by all has the write bits of others taken away', async () => {
    home = new TestHome();
    mkdirSync(home.paths.logsDir);
    chmodSync(home.paths.logsDir, 0o777);
    await home.ok(['start', 'idle.js', '--name', 'hs']);
    expect(modeOf(home.paths.logsDir)).toBe(0o755);
  });

  it('with daemon.log as a symbolic link is refused before a daemon starts, and the target is left alone', async () => {
    home = new TestHome();
    const target = join(home.home, 'target');
    writeFileSync(target, 'precious\n');
    symlinkSync(target, home.paths.daemonLog);
    const result = await home.run(['start', 'idle.js', '--name', 'hs']);
    expect(result.code).toBe(1);
    expect(result.stderr).toContain(`cannot open the daemon's log ${home.paths.daemonLog}: it is a symbolic link`);
    nothingStarted();
    expect(readFileSync(target, 'utf8')).toBe('precious\n');
  });
});

describe('log files', () => {
  it("are created 0600, the daemon's own log too", async () => {
    home = new TestHome();
    await home.ok(['start', 'idle.js', '--name', 'hs']);
    await waitFor('the out file', () => existsSync(join(home.paths.logsDir, 'hs-out.log')));
    expect(modeOf(join(home.paths.logsDir, 'hs-out.log'))).toBe(0o600);
    expect(modeOf(join(home.paths.logsDir, 'hs-error.log'))).toBe(0o600);
    expect(modeOf(home.paths.daemonLog)).toBe(0o600);
  });

  it('are created 0640 when the daemon starts with TSM_LOG_MODE=0640', async () => {
    home = new TestHome();
    await home.ok(['start', 'idle.js', '--name', 'hs'], { env: { TSM_LOG_MODE: '0640' } });
    await waitFor('the out file', () => existsSync(join(home.paths.logsDir, 'hs-out.log')));
    expect(modeOf(join(home.paths.logsDir, 'hs-out.log'))).toBe(0o640);
  });

  it('refuses another TSM_LOG_MODE with a usage error, before a daemon starts', async () => {
    home = new TestHome();
    const result = await home.run(['start', 'idle.js', '--name', 'hs'], { env: { TSM_LOG_MODE: '0666' } });
    expect(result.code).toBe(2);
    expect(result.stderr).toContain('TSM_LOG_MODE=0666: expected 0600');
    nothingStarted();
  });

  it('of two apps whose names differ only in punctuation are two files', async () => {
    home = new TestHome();
    await home.ok(['start', 'env.js', '--name', 'a:b', '--', 'WHO'], { env: { WHO: 'colon' } });
    await home.ok(['start', 'env.js', '--name', 'a@b', '--', 'WHO'], { env: { WHO: 'at' } });
    const colon = join(home.paths.logsDir, 'a%3Ab-out.log');
    const at = join(home.paths.logsDir, 'a%40b-out.log');
    await waitFor('both files', () => existsSync(colon) && existsSync(at) && readFileSync(at, 'utf8').length > 0);
    expect(readFileSync(colon, 'utf8')).toBe('WHO=colon\n');
    expect(readFileSync(at, 'utf8')).toBe('WHO=at\n');
  });

  it('given as a symbolic link are refused at start with E_LOG: nothing is spawned, the target is left alone', async () => {
    home = new TestHome();
    const target = join(home.home, 'target');
    writeFileSync(target, 'precious\n');
    const link = join(home.home, 'link.log');
    symlinkSync(target, link);
    const result = await home.run(['start', 'idle.js', '--name', 'hs', '-o', link]);
    expect(result.code).toBe(1);
    expect(result.stderr).toContain(`cannot open the output log ${link}: it is a symbolic link`);
    expect(await home.list()).toEqual([]);
    expect(processesOfHome(home.home)).toEqual([await home.daemonPid()]);
    expect(readFileSync(target, 'utf8')).toBe('precious\n');
    expect(lstatSync(link).isSymbolicLink()).toBe(true);
  });

  it('below a regular file are refused at start, naming the file; nothing is spawned', async () => {
    home = new TestHome();
    writeFileSync(join(home.home, 'plain'), '');
    const path = join(home.home, 'plain', 'err.log');
    const result = await home.run(['start', 'idle.js', '--name', 'hs', '-i', '2', '-e', path]);
    expect(result.code).toBe(1);
    expect(result.stderr).toMatch(/cannot open the error log \S*\/plain\/err-\d\.log: a part of its folder is a file/);
    expect(await home.list()).toEqual([]);
    expect(processesOfHome(home.home)).toEqual([await home.daemonPid()]);
  });
});

describe("the daemon's environment", () => {
  it("takes nothing from the first shell's NODE_OPTIONS, while apps get the shell's environment whole", async () => {
    home = new TestHome();
    const marker = join(home.home, 'marker');
    const nodeOptions = `--require ${join(FIXTURES, 'hs-marker.js')} --max-old-space-size=200`;
    const env: NodeJS.ProcessEnv = {
      ...home.env(),
      NODE_OPTIONS: nodeOptions,
      MARKER_FILE: marker,
      SHELL_ONLY: 'from the shell',
      npm_config_secret: 'x',
    };
    const started = await runWithEnv(['start', 'env.js', '--name', 'hsf', '--', 'NODE_OPTIONS', 'SHELL_ONLY'], env);
    expect(started.code, started.stderr).toBe(0);
    const cluster = await runWithEnv(['start', 'env.js', '--name', 'hsc', '-i', '1', '--', 'NODE_OPTIONS', 'SHELL_ONLY'], env);
    expect(cluster.code, cluster.stderr).toBe(0);

    const expected = `NODE_OPTIONS=${nodeOptions}\nSHELL_ONLY=from the shell\n`;
    await waitFor('the fork app to print its environment', () => readFileSync(join(home.paths.logsDir, 'hsf-out.log'), 'utf8') === expected);
    await waitFor('the cluster app to print its environment', () =>
      readFileSync(join(home.paths.logsDir, 'hsc-out-1.log'), 'utf8') === expected,
    );

    const pid = await home.daemonPid();
    const environ = readFileSync(`/proc/${pid}/environ`, 'utf8').split('\0').filter(Boolean);
    const names = environ.map((entry) => entry.slice(0, entry.indexOf('=')));
    expect(environ).toContain(`TSM_HOME=${home.home}`);
    expect(names.filter((name) => !/^(TSM_HOME|PATH|HOME|TZ|LANG|LANGUAGE|LC_[A-Z_]+)$/.test(name))).toEqual([]);
    // The hook ran in the CLIs and in the apps, never in the daemon.
    const loadedIn = readFileSync(marker, 'utf8').trim().split('\n').map((line) => Number(line.split(' ')[0]));
    expect(loadedIn.length).toBeGreaterThanOrEqual(3);
    expect(loadedIn).not.toContain(pid);
  });
});
