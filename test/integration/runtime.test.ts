import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { freePort, get } from '../helpers/net.js';
import { processesOfHome } from '../helpers/procs.js';
import { RuntimeRun } from '../helpers/runtime.js';
import { TestHome } from '../helpers/tsm.js';
import { waitFor } from '../helpers/wait.js';

let home: TestHome;
afterEach(async () => {
  await home.cleanup();
});

/** Every process of the home except the runtime itself: the apps. */
function appProcesses(run: RuntimeRun): number[] {
  return processesOfHome(home.home).filter((pid) => pid !== run.child.pid);
}

describe('tsm-runtime', () => {
  it('runs the daemon in the foreground: prefixed lines, the socket for tsm, a graceful stop on SIGTERM, exit 0', async () => {
    home = new TestHome();
    const marker = join(home.home, 'marker');
    const run = new RuntimeRun(home, ['rt-lines.js', '-i', '2', '--name', 'web'], { env: { MARKER_FILE: marker } });
    await run.waitOutput('stdout', /^web-0 \| out 0 $/m);
    await run.waitOutput('stdout', /^web-1 \| out 1 $/m);
    await run.waitOutput('stderr', /^web-1 \| err 1$/m);
    expect(run.stdout).not.toMatch(/err \d/); // stderr lines stay on stderr
    expect(run.stderr).toMatch(/^tsm \| .*start web: 2 cluster process/m);

    // `docker exec <c> tsm list` talks to this daemon through its socket.
    const list = await home.list();
    expect(list.map((p) => [p.name, p.status])).toEqual([
      ['web', 'online'],
      ['web', 'online'],
    ]);
    expect((await home.ok(['ping', '--json'])).stdout).toContain(`"pid":${run.child.pid}`);
    // No log file unless asked for.
    expect(existsSync(home.paths.logsDir) ? readdirSync(home.paths.logsDir) : []).toEqual([]);

    run.child.kill('SIGTERM');
    expect(await run.exit()).toEqual({ code: 0, signal: null });
    // Each worker got its kill signal (SIGINT) and exited by itself.
    expect(readFileSync(marker, 'utf8').trim().split('\n')).toHaveLength(2);
    expect(processesOfHome(home.home)).toEqual([]);
  });

  it('--json prints one object per line; -o writes a file when asked', async () => {
    home = new TestHome();
    const out = join(home.home, 'app-out.log');
    const run = new RuntimeRun(home, ['rt-lines.js', '--json', '-o', out]);
    const match = await run.waitOutput('stdout', /^\{.*"stream":"out".*\}$/m);
    const line = JSON.parse(match[0]) as Record<string, unknown>;
    expect(line).toEqual({ time: expect.any(String), app: 'rt-lines', id: 0, stream: 'out', message: 'out 0 ' });
    expect(Date.parse(line['time'] as string)).toBeGreaterThan(0);
    const daemonLine = JSON.parse((await run.waitOutput('stderr', /^\{.*"stream":"daemon".*\}$/m))[0]) as Record<string, unknown>;
    expect(daemonLine).toMatchObject({ app: 'tsm', id: null, stream: 'daemon' });
    await waitFor('the -o file', () => existsSync(out) && readFileSync(out, 'utf8').includes('out 0'));
    run.child.kill('SIGINT');
    expect((await run.exit()).code).toBe(0);
  });

  it('--metrics serves /healthz, /readyz and /metrics for probes and Prometheus; a bad address is a usage error', async () => {
    home = new TestHome();
    const port = await freePort();
    const run = new RuntimeRun(home, ['rt-lines.js', '--name', 'web', '--metrics', `127.0.0.1:${port}`]);
    await run.waitOutput('stdout', /^web-0 \| out 0 $/m);
    expect((await get(port, '/healthz')).status).toBe(200);
    await waitFor('ready', async () => (await get(port, '/readyz')).status === 200);
    await waitFor('a memory sample of web', async () => /^tsm_process_memory_bytes\{name="web"/m.test((await get(port, '/metrics')).body));
    run.child.kill('SIGTERM');
    expect((await run.exit()).code).toBe(0);

    const bad = new RuntimeRun(home, ['rt-lines.js', '--metrics', 'nowhere']);
    expect((await bad.exit()).code).toBe(2);
    expect(bad.stderr).toContain("metrics address 'nowhere'");
  });

  it('exits 1 once no app is left running (errored after its restart limit)', async () => {
    home = new TestHome();
    const run = new RuntimeRun(home, ['crash.js', '--max-restarts', '1', '--min-uptime', '5000']);
    expect((await run.exit()).code).toBe(1);
    expect(run.stderr).toMatch(/no app is left running \(crash-0: errored\)/);
    expect(run.stderr).toMatch(/^crash-0 \| crashing \d+$/m);
  });

  it('a second SIGTERM stops waiting for the kill timeout: SIGKILL, exit 1', async () => {
    home = new TestHome();
    const run = new RuntimeRun(home, ['stubborn.js', '-k', '60000']);
    await run.waitOutput('stdout', /^stubborn-0 \| stubborn \d+$/m);
    const started = Date.now();
    run.child.kill('SIGTERM');
    await run.waitOutput('stdout', /ignoring SIGINT/);
    run.child.kill('SIGTERM');
    expect((await run.exit()).code).toBe(1);
    expect(Date.now() - started).toBeLessThan(30_000); // far below the 60 s kill timeout
    expect(run.stderr).toMatch(/SIGTERM again: killing every app/);
    expect(processesOfHome(home.home)).toEqual([]);
  });

  it('tsm-runtime start <ecosystem file> --only: the apps named', async () => {
    home = new TestHome();
    const run = new RuntimeRun(home, ['start', 'rt-ecosystem.config.js', '--only', 'rt-b']);
    await run.waitOutput('stdout', /^rt-b-0 \| out 0 from-b$/m);
    expect((await home.list()).map((p) => p.name)).toEqual(['rt-b']);
    run.child.kill('SIGTERM');
    expect((await run.exit()).code).toBe(0);
  });

  it("resurrect (the systemd unit's command): the apps of the last tsm save, and it stays with none", async () => {
    home = new TestHome();
    await home.ok(['start', 'rt-lines.js', '--name', 'saved']);
    await home.ok(['save']);
    await home.ok(['kill']);
    const run = new RuntimeRun(home, ['resurrect']);
    await run.waitOutput('stderr', /^tsm \| .*resurrected 1 process/m);
    await waitFor('the saved app online', async () => (await home.list()).some((p) => p.name === 'saved' && p.status === 'online'));
    // The unit's daemon is the machine's: an app stopped is no reason to exit.
    await home.ok(['delete', 'saved']);
    await home.ok(['start', 'rt-lines.js', '--name', 'later']);
    expect(run.child.exitCode).toBeNull();
    run.child.kill('SIGTERM');
    expect((await run.exit()).code).toBe(0);
    // App output stays in the app's files (the journal gets the daemon's lines only).
    expect(run.stdout).toBe('');
  });

  it.skipIf(process.getuid?.() !== 0)('runs as PID 1 in a PID namespace: warns, starts the app, exits 0 on SIGTERM, leaves nothing', async () => {
    home = new TestHome();
    const marker = join(home.home, 'marker');
    const run = new RuntimeRun(home, ['rt-lines.js'], { prefix: ['unshare', '--pid', '--fork', '--mount-proc'], env: { MARKER_FILE: marker } });
    await run.waitOutput('stderr', /warning: running as PID 1.*docker run --init/);
    await run.waitOutput('stdout', /^rt-lines-0 \| out 0 $/m);
    // unshare does not forward signals: the runtime (PID 1 inside) is its child.
    const inner = await waitFor('the runtime inside the namespace', () => {
      const children = readFileSync(`/proc/${run.child.pid}/task/${run.child.pid}/children`, 'utf8').trim();
      return children === '' ? null : Number(children.split(' ')[0]);
    });
    expect(readFileSync(`/proc/${inner}/status`, 'utf8')).toMatch(/^NSpid:\s+\d+\s+1$/m);
    process.kill(inner, 'SIGTERM');
    expect(await run.exit()).toEqual({ code: 0, signal: null });
    expect(readFileSync(marker, 'utf8')).toMatch(/^SIGINT \d+$/m);
    expect(appProcesses(run)).toEqual([]);
  });
});

describe('tsm-runtime: bad input changes nothing', () => {
  it.each([
    [[], 2, /name the script or ecosystem file to run/],
    [['missing.js'], 1, /script not found: .*missing\.js\. Nothing was started/],
    [['rt-lines.js', 'extra'], 2, /one script or ecosystem file at a time/],
    [['rt-lines.js', '--log-max-size', '1M'], 2, /--log-max-size: tsm-runtime writes no log file unless -o, -e or -l/],
    [['rt-lines.js', '--only', 'a'], 2, /--only applies to an ecosystem file/],
    [['rt-ecosystem.config.js', '-i', '2'], 2, /--instances: with an ecosystem file, each app's settings come from the file/],
    [['rt-lines.js', '-i', 'abc'], 2, /-i/],
    [['rt-lines.js', '--bogus'], 2, /unknown option '--bogus'/],
  ])('tsm-runtime %j exits %i', async (args, code, message) => {
    home = new TestHome();
    const run = new RuntimeRun(home, args as string[]);
    expect((await run.exit()).code).toBe(code);
    expect(run.stderr).toMatch(message);
    expect(readdirSync(home.home)).toEqual([]);
  });

  it('refuses a home that a daemon already serves', async () => {
    home = new TestHome();
    const pid = await home.daemonPid();
    const run = new RuntimeRun(home, ['rt-lines.js']);
    expect((await run.exit()).code).toBe(1);
    expect(run.stderr).toContain(`a tsm daemon (pid ${pid}) already serves ${home.home}`);
    expect(await home.list()).toEqual([]);
  });
});
