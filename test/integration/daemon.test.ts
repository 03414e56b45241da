import { existsSync, lstatSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { spawn, spawnSync } from 'node:child_process';
import { connect, type Socket } from 'node:net';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { freePort, get } from '../helpers/net.js';
import { isAlive, processesOfHome } from '../helpers/procs.js';
import { ROOT, TestHome } from '../helpers/tsm.js';
import { waitFor } from '../helpers/wait.js';

let home: TestHome;
let sockets: Socket[] = [];
afterEach(async () => {
  for (const socket of sockets) socket.destroy();
  sockets = [];
  await home.cleanup();
});

/** The first word of /proc/<pid>/cmdline: the process title the daemon gives itself. */
function titleOf(pid: number): string {
  try {
    return readFileSync(`/proc/${pid}/cmdline`, 'utf8').split('\0')[0] ?? '';
  } catch {
    return '';
  }
}

/** Live daemons of this home, found by their title: `tsm: daemon <home>`. */
function daemonsOfHome(dir: string): number[] {
  return processesOfHome(dir).filter((pid) => titleOf(pid) === `tsm: daemon ${dir}`);
}

interface Frame {
  type?: string;
  id?: number;
  ok?: boolean;
  pid?: number;
  version?: string;
  result?: unknown;
  error?: { code: string; message: string };
}

/** A raw connection to the control socket: what it writes, and the frames it receives, in order. */
class RawClient {
  private readonly frames: Frame[] = [];
  private partial = '';

  private constructor(readonly socket: Socket) {
    socket.setEncoding('utf8');
    socket.on('data', (chunk: string) => {
      const lines = (this.partial + chunk).split('\n');
      this.partial = lines.pop() ?? '';
      for (const line of lines) {
        try {
          this.frames.push(JSON.parse(line) as Frame);
        } catch {
          this.frames.push({ type: `unparsable: ${line}` });
        }
      }
    });
    socket.on('error', () => {}); // a test that cares looks at the frames it did or did not get
  }

  static async open(path: string): Promise<RawClient> {
    const socket = connect(path);
    sockets.push(socket);
    await new Promise<void>((resolve, reject) => {
      socket.once('connect', resolve);
      socket.once('error', reject);
    });
    return new RawClient(socket);
  }

  /** The next frame, within the deadline. */
  next(what: string): Promise<Frame> {
    return waitFor(what, () => this.frames.shift(), { timeoutMs: 5000 });
  }

  write(data: string | Buffer): void {
    this.socket.write(data);
  }
}

/** Connects and checks the daemon's greeting. */
async function openGreeted(daemonPid: number): Promise<RawClient> {
  const client = await RawClient.open(home.paths.socket);
  const hello = await client.next('the hello frame');
  expect(hello).toMatchObject({ type: 'hello', pid: daemonPid });
  expect(typeof hello.version).toBe('string');
  return client;
}

/** Calls the built CLI's launchDaemon for the home in argv[1] and prints the pid that answered. */
const LAUNCH_SCRIPT = `
  const { launchDaemon } = require(${JSON.stringify(join(ROOT, 'dist', 'client', 'launch-daemon.js'))});
  const { homePaths } = require(${JSON.stringify(join(ROOT, 'dist', 'core', 'paths.js'))});
  launchDaemon(homePaths(process.argv[1]), process.env).then((connection) => {
    process.stdout.write(String(connection.daemon.pid));
    connection.close();
  });
`;

/** True once something accepts connections on the socket path. */
function connectable(path: string): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = connect(path);
    socket.once('connect', () => {
      socket.destroy();
      resolve(true);
    });
    socket.once('error', () => resolve(false));
  });
}

const LIST_REQUEST = `${JSON.stringify({ id: 1, method: 'list', params: {} })}\n`;

describe('daemon', () => {
  it("CLIs racing to start the daemon in a fresh home all reach one daemon, titled 'tsm: daemon <home>'", async () => {
    home = new TestHome();
    const results = await Promise.all([1, 2, 3].map(() => home.run(['ping', '--json'])));
    for (const result of results) expect(result.code, result.stderr).toBe(0);
    const pids = results.map((result) => (JSON.parse(result.stdout) as { pid: number }).pid);
    expect(new Set(pids).size).toBe(1);
    const [pid] = pids as [number];
    expect(isAlive(pid)).toBe(true);
    // A CLI answers only once the daemon it launched has lost the race and exited: a `tsm kill`
    // right now must leave nothing.
    expect(processesOfHome(home.home)).toEqual([pid]);
    expect(readFileSync(home.paths.pidFile, 'utf8').trim()).toBe(String(pid));
    expect(await home.daemonPid()).toBe(pid);
    // `ps` shows what the process is and which home it serves.
    expect(titleOf(pid)).toContain('tsm: daemon');
    expect(titleOf(pid)).toContain(home.home);
  });

  it('a CLI whose daemon lost to one started by hand returns once its own has exited, so kill leaves nothing', async () => {
    home = new TestHome();
    const byHand = spawn(process.execPath, [join(ROOT, 'dist', 'daemon', 'entry.js'), '--home', home.home], {
      env: { TSM_HOME: home.home, PATH: process.env['PATH'] ?? '' },
      stdio: 'ignore',
    });
    await waitFor('the daemon started by hand to listen', () => connectable(home.paths.socket));
    // What a CLI does when it found no daemon a moment before this one came up: launch its own
    // and connect to whichever answers. Its own is still booting when the hand-started one answers.
    const launcher = spawnSync(process.execPath, ['-e', LAUNCH_SCRIPT, home.home], { encoding: 'utf8', env: home.env() });
    expect(launcher.status, launcher.stderr).toBe(0);
    expect(Number(launcher.stdout)).toBe(byHand.pid);
    expect(processesOfHome(home.home)).toEqual([byHand.pid]);
    await home.ok(['kill']);
    expect(processesOfHome(home.home)).toEqual([]);
  });

  it('after a daemon is SIGKILLed, the next command starts a new one that restores the apps', async () => {
    home = new TestHome();
    const port = await freePort();
    await home.ok(['start', 'http-server.js', '--name', 'api'], { env: { PORT: String(port) } });
    await home.ok(['start', 'idle.js', '-i', '2', '--name', 'web']);
    await home.ok(['start', 'idle.js', '--name', 'resting']);
    await home.ok(['stop', 'resting']);
    const byId = (a: { id: number }, b: { id: number }): number => a.id - b.id;
    const before = (await home.list()).sort(byId);
    expect(before.map((p) => [p.id, p.name, p.status])).toEqual([
      [0, 'api', 'online'],
      [1, 'web', 'online'],
      [2, 'web', 'online'],
      [3, 'resting', 'stopped'],
    ]);
    const oldDaemon = await home.daemonPid();
    const oldApi = before.find((p) => p.name === 'api')!.pid!;
    await waitFor('the app to answer', () => get(port).catch(() => null));

    process.kill(oldDaemon, 'SIGKILL');
    await waitFor('the killed daemon to be gone', () => !isAlive(oldDaemon));
    // What a crash leaves behind: a socket nobody listens on, and a pid file naming a dead pid.
    expect(existsSync(home.paths.socket)).toBe(true);
    expect(readFileSync(home.paths.pidFile, 'utf8').trim()).toBe(String(oldDaemon));

    const newDaemon = await home.daemonPid();
    expect(newDaemon).not.toBe(oldDaemon);
    expect(daemonsOfHome(home.home)).toEqual([newDaemon]);

    // The new daemon answers at once and restores in the background: wait for it to finish.
    const after = await waitFor('the restore to finish', async () => {
      const list = (await home.list()).sort(byId);
      return list.every((p) => p.status === 'online' || p.name === 'resting') ? list : null;
    });
    expect(after.map((p) => [p.id, p.name, p.instance, p.status])).toEqual(
      before.map((p) => [p.id, p.name, p.instance, p.name === 'resting' ? 'stopped' : 'online']),
    );
    for (const p of after.filter((p) => p.status === 'online')) {
      expect(before.map((b) => b.pid)).not.toContain(p.pid);
      expect(isAlive(p.pid!)).toBe(true);
    }
    // The fork app outlived its daemon; the new daemon must have stopped it before starting the
    // replacement, which otherwise could not bind the port. (Cluster workers die with their primary.)
    const newApi = after.find((p) => p.name === 'api')!.pid!;
    const running = processesOfHome(home.home);
    expect(running).not.toContain(oldApi);
    for (const p of before) if (p.pid !== null) expect(running, `old pid ${p.pid} of ${p.name}`).not.toContain(p.pid);
    await waitFor('the restored app to answer', async () => JSON.parse((await get(port)).body).pid === newApi);
  });

  it('a stale pid file naming a live process that is not a daemon does not block a new daemon', async () => {
    home = new TestHome();
    // After a crash and a reboot, the pid in the file may belong to anything; here, this test.
    writeFileSync(home.paths.pidFile, `${process.pid}\n`);
    const result = await home.run(['ping', '--json']);
    expect(result.code, result.stderr).toBe(0);
    const { pid } = JSON.parse(result.stdout) as { pid: number };
    expect(pid).not.toBe(process.pid);
    expect(daemonsOfHome(home.home)).toEqual([pid]);
    expect(readFileSync(home.paths.pidFile, 'utf8').trim()).toBe(String(pid));
  });

  it('garbage and unknown methods on the socket get error replies, and the same connection still works', async () => {
    home = new TestHome();
    await home.ok(['start', 'idle.js', '--name', 'app']);
    const daemon = await home.daemonPid();
    const client = await openGreeted(daemon);

    client.write('this is not json\n');
    expect(await client.next('the reply to garbage')).toMatchObject({
      type: 'reply',
      ok: false,
      error: { code: 'E_PROTOCOL' },
    });
    client.write(LIST_REQUEST);
    const reply = await client.next('the reply to list');
    expect(reply).toMatchObject({ type: 'reply', id: 1, ok: true });
    expect((reply.result as Array<{ name: string }>).map((p) => p.name)).toEqual(['app']);

    // JSON that is not a request is refused the same way.
    for (const frame of ['[1,2]', 'null', '"list"', '{"method":"list"}', '{"id":"1","method":"list"}']) {
      client.write(`${frame}\n`);
      expect(await client.next(`the reply to ${frame}`), frame).toMatchObject({
        type: 'reply',
        ok: false,
        error: { code: 'E_PROTOCOL' },
      });
    }

    // An unknown method, including names every JavaScript object has, is refused by name.
    for (const [id, method] of [
      [7, 'frobnicate'],
      [8, 'toString'],
      [9, '__proto__'],
      [10, 'constructor'],
    ] as const) {
      client.write(`${JSON.stringify({ id, method, params: {} })}\n`);
      const reply = await client.next(`the reply to ${method}`);
      expect(reply, method).toMatchObject({ type: 'reply', id, ok: false });
      expect(reply.error!.message, method).toContain(method);
    }

    client.write(`${JSON.stringify({ id: 2, method: 'ping', params: {} })}\n`);
    expect(await client.next('the reply to ping')).toMatchObject({ id: 2, ok: true, result: { pid: daemon } });
    expect(await home.daemonPid()).toBe(daemon);
    expect((await home.list()).map((p) => [p.name, p.status])).toEqual([['app', 'online']]);
  });

  it('an oversized frame gets E_PROTOCOL, and the daemon keeps serving', async () => {
    home = new TestHome();
    await home.ok(['start', 'idle.js', '--name', 'app']);
    const daemon = await home.daemonPid();
    const client = await openGreeted(daemon);

    client.write(Buffer.alloc(1024 * 1024 + 4096, 'x'));
    client.write('\n');
    const refused = await client.next('the reply to the oversized frame');
    expect(refused).toMatchObject({ type: 'reply', ok: false, error: { code: 'E_PROTOCOL' } });
    expect(refused.error!.message).toMatch(/larger than/);
    client.write(LIST_REQUEST);
    expect(await client.next('the reply to list')).toMatchObject({ id: 1, ok: true });

    expect((await home.list()).map((p) => [p.name, p.status])).toEqual([['app', 'online']]);
    expect(await home.daemonPid()).toBe(daemon);
  });

  it('clients that vanish mid-frame or before their reply do not hurt the daemon', async () => {
    home = new TestHome();
    await home.ok(['start', 'idle.js', '--name', 'app']);
    const daemon = await home.daemonPid();
    const [app] = await home.byName('app');

    const vanishing: Array<Promise<void>> = [];
    for (let i = 0; i < 10; i += 1) {
      vanishing.push(
        // Before the hello is even read.
        RawClient.open(home.paths.socket).then((client) => void client.socket.destroy()),
        // Mid-frame.
        openGreeted(daemon).then((client) => {
          client.write('{"id":1,"method":"li');
          client.socket.destroy();
        }),
        // After a whole request, before its reply.
        openGreeted(daemon).then((client) => {
          client.write(LIST_REQUEST);
          client.socket.destroy();
        }),
      );
    }
    await Promise.all(vanishing);

    expect(await home.daemonPid()).toBe(daemon);
    expect((await home.list()).map((p) => [p.name, p.status, p.pid])).toEqual([['app', 'online', app!.pid]]);
    expect(isAlive(app!.pid!)).toBe(true);
    expect(readFileSync(home.paths.daemonLog, 'utf8')).not.toMatch(/uncaught|unhandled/i);
  });

  it('SIGTERM stops every app, then the daemon, which removes its socket and pid file', async () => {
    home = new TestHome();
    await home.ok(['start', 'idle.js', '--name', 'solo']);
    await home.ok(['start', 'idle.js', '-i', '2', '--name', 'web']);
    const daemon = await home.daemonPid();
    const apps = (await home.list()).map((p) => p.pid!);
    expect(apps).toHaveLength(3);

    process.kill(daemon, 'SIGTERM');
    await waitFor('the daemon to exit', () => !isAlive(daemon));
    for (const pid of apps) expect(isAlive(pid), `app pid ${pid}`).toBe(false);
    expect(processesOfHome(home.home)).toEqual([]);
    expect(existsSync(home.paths.socket)).toBe(false);
    expect(existsSync(home.paths.pidFile)).toBe(false);
  });

  it('kill with no daemon running exits 0 with a notice, and starts none', async () => {
    home = new TestHome();
    const result = await home.run(['kill']);
    expect(result.code).toBe(0);
    expect(result.stderr).toContain(`no daemon runs for ${home.home}`);
    expect(result.stdout).toBe('');
    expect(existsSync(home.paths.pidFile)).toBe(false);
    expect(processesOfHome(home.home)).toEqual([]);
  });

  it('creates the home 0700 and the socket 0600, and logs starts and stops with timestamps in daemon.log', async () => {
    home = new TestHome();
    // Let tsm create the home itself (mkdtemp already makes it 0700, which would prove nothing).
    rmSync(home.home, { recursive: true });
    const since = Date.now();
    await home.ok(['start', 'idle.js', '--name', 'logged']);
    expect(statSync(home.home).mode & 0o777).toBe(0o700);
    const socket = lstatSync(home.paths.socket);
    expect(socket.isSocket()).toBe(true);
    expect(socket.mode & 0o777).toBe(0o600);

    await home.ok(['stop', 'logged']);
    const log = readFileSync(home.paths.daemonLog, 'utf8');
    const stamped = (pattern: string): number => {
      const match = new RegExp(`^(\\d{4}-\\d\\d-\\d\\dT\\d\\d:\\d\\d:\\d\\d\\.\\d{3}Z) .*${pattern}`, 'm').exec(log);
      expect(match, `a line matching ${pattern} in:\n${log}`).not.toBeNull();
      return Date.parse(match![1]!);
    };
    const started = stamped('\\bstart\\w*\\b.*\\blogged\\b');
    const stopped = stamped('\\bstop\\w*\\b.*\\blogged\\b');
    expect(started).toBeGreaterThanOrEqual(since - 1000);
    expect(stopped).toBeGreaterThanOrEqual(started);
    expect(stopped).toBeLessThanOrEqual(Date.now() + 1000);
  });

  it('refuses a daemon of another version with the fix, and kill still reaches it', async () => {
    home = new TestHome();
    // A stand-in for a daemon left running across an upgrade: it greets with another version.
    const { mkdirSync } = await import('node:fs');
    const { createServer } = await import('node:net');
    mkdirSync(home.home, { recursive: true, mode: 0o700 });
    const methods: string[] = [];
    const server = createServer((socket) => {
      socket.write(`${JSON.stringify({ type: 'hello', version: '0.0.1-old', pid: process.pid })}\n`);
      socket.on('data', (chunk) => {
        for (const line of chunk.toString().split('\n').filter(Boolean)) {
          const request = JSON.parse(line) as { id: number; method: string };
          methods.push(request.method);
          socket.end(`${JSON.stringify({ type: 'reply', id: request.id, ok: true, result: { stopped: 0 } })}\n`);
        }
      });
    });
    await new Promise<void>((resolve) => server.listen(home.paths.socket, resolve));
    try {
      const listed = await home.run(['list']);
      expect(listed.code).toBe(1);
      expect(listed.stderr).toContain('runs tsm 0.0.1-old');
      expect(listed.stderr).toContain("Run 'tsm update'");
      expect(methods).toEqual([]); // refused before any request was sent
      const killed = await home.run(['kill']);
      expect(killed.code).toBe(0);
      expect(methods).toEqual(['kill']);
    } finally {
      await new Promise<void>((resolve) => server.close(() => resolve()));
    }
  });
});
