import { existsSync, readdirSync, readFileSync, realpathSync } from 'node:fs';
import { availableParallelism } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import type { ProcessInfo } from '../../src/protocol/process-info.js';
import { FIXTURES, ROOT, TestHome } from '../helpers/tsm.js';
import { waitFor } from '../helpers/wait.js';

let home: TestHome;
afterEach(async () => {
  await home.cleanup();
});

function readOr(path: string | null): string {
  return path !== null && existsSync(path) ? readFileSync(path, 'utf8') : '';
}

/** Waits until a process's out log has a line matching `pattern`, and returns the match. */
function logLine(proc: ProcessInfo, pattern: RegExp): Promise<RegExpExecArray> {
  return waitFor(`${pattern} in ${proc.outLog}`, () => pattern.exec(readOr(proc.outLog)));
}

async function only(name: string): Promise<ProcessInfo> {
  const procs = await home.byName(name);
  expect(procs).toHaveLength(1);
  return procs[0]!;
}

/** argv of a live process, as the kernel started it. */
function argvOf(pid: number): string[] {
  return readFileSync(`/proc/${pid}/cmdline`, 'utf8').split('\0').filter((arg) => arg !== '');
}

describe('fork mode options', () => {
  it('runs a .py script with python3, by extension or by --interpreter', async () => {
    home = new TestHome();
    await home.ok(['start', 'hello.py', '--name', 'py-ext', '--', 'by', 'extension']);
    await home.ok(['start', 'hello.py', '--name', 'py-flag', '--interpreter', 'python3']);
    for (const [name, args] of [
      ['py-ext', 'by extension'],
      ['py-flag', ''],
    ] as const) {
      const proc = await only(name);
      expect(proc.spec).toMatchObject({ interpreter: 'python3', execMode: 'fork' });
      expect(proc.status).toBe('online');
      const [line] = await logLine(proc, /^python \d+.*$/m);
      expect(line).toBe(`python ${proc.pid} ${args}`); // hello.py prints its pid, a space, its args
      expect(argvOf(proc.pid!)[1]).toBe(join(FIXTURES, 'hello.py'));
    }
  });

  it('runs a .sh script with bash, and an executable itself with --interpreter none', async () => {
    home = new TestHome();
    // with-child.sh's background sleep ignores SIGINT: a short kill timeout keeps cleanup fast.
    await home.ok(['start', 'with-child.sh', '--name', 'sh-ext', '--kill-timeout', '300']);
    await home.ok(['start', 'with-child.sh', '--name', 'sh-none', '--interpreter', 'none', '--kill-timeout', '300']);
    const script = join(FIXTURES, 'with-child.sh');
    const byExtension = await only('sh-ext');
    expect(byExtension.spec.interpreter).toBe('bash');
    await logLine(byExtension, /^child \d+$/m);
    expect(argvOf(byExtension.pid!)).toEqual(['bash', script]);
    const direct = await only('sh-none');
    expect(direct.spec.interpreter).toBe('none');
    await logLine(direct, /^child \d+$/m);
    // Executed by the kernel, which reads the shebang: argv[0] is the shebang's interpreter.
    expect(argvOf(direct.pid!)).toEqual(['/bin/bash', script]);
  });

  it('passes the arguments after -- to the script, untouched by tsm', async () => {
    home = new TestHome();
    await home.ok(['start', 'idle.js', '--name', 'args', '--', '--name', 'not-tsm', 'two words', '-i', '3']);
    const proc = await only('args');
    expect(proc.spec.execMode).toBe('fork');
    expect(proc.spec.args).toEqual(['--name', 'not-tsm', 'two words', '-i', '3']);
    const [, args] = await logLine(proc, /^idle \d+ instance=0 args=(.*)$/m);
    expect(JSON.parse(args!)).toEqual(['--name', 'not-tsm', 'two words', '-i', '3']);
  });

  it('runs the app in --cwd (fork or cluster), resolved from the CLI directory, which is the default', async () => {
    home = new TestHome();
    await home.ok(['start', 'rp-report.js', '--name', 'here']);
    await home.ok(['start', 'rp-report.js', '--name', 'relative', '--cwd', '../helpers']);
    await home.ok(['start', join(FIXTURES, 'rp-report.js'), '--name', 'absolute', '--cwd', home.home], { cwd: ROOT });
    await home.ok(['start', 'rp-report.js', '--name', 'worker', '-i', '1', '--cwd', '../helpers']);
    const expected: Record<string, string> = {
      here: FIXTURES,
      relative: join(ROOT, 'test', 'helpers'),
      absolute: home.home,
      worker: join(ROOT, 'test', 'helpers'),
    };
    for (const [name, dir] of Object.entries(expected)) {
      const proc = await only(name);
      expect(proc.spec.cwd).toBe(dir);
      const [, cwd] = await logLine(proc, /^cwd=(.*)$/m);
      expect(cwd).toBe(realpathSync(dir));
    }
  });

  it("gives the app the CLI's environment plus NODE_APP_INSTANCE and pm_id", async () => {
    home = new TestHome();
    // The first start launches the daemon with ONLY_FIRST set: it must not leak into the next app.
    await home.ok(['start', 'idle.js', '--name', 'first'], { env: { ONLY_FIRST: 'daemon-side' } });
    await home.ok(['start', 'env.js', '--name', 'envy', '--', 'FOO', 'ONLY_FIRST', 'NODE_APP_INSTANCE', 'pm_id', 'TSM_HOME'], {
      env: { FOO: 'bar baz' },
    });
    const proc = await only('envy');
    expect(proc.id).toBe(1);
    await logLine(proc, /^TSM_HOME=.*$/m);
    expect(readOr(proc.outLog)).toBe(
      ['FOO=bar baz', 'ONLY_FIRST=', 'NODE_APP_INSTANCE=0', 'pm_id=1', `TSM_HOME=${home.home}`, ''].join('\n'),
    );
    // Cluster workers too: node:cluster would merge the daemon's own environment under the app's.
    await home.ok(['start', 'env.js', '-i', '1', '--name', 'envc', '--', 'FOO', 'ONLY_FIRST'], { env: { FOO: 'c' } });
    const worker = await only('envc');
    await logLine(worker, /^ONLY_FIRST=.*$/m);
    expect(readOr(worker.outLog)).toBe(['FOO=c', 'ONLY_FIRST=', ''].join('\n'));
  });

  it('numbers cluster workers NODE_APP_INSTANCE 0..n-1, each with its own log file', async () => {
    home = new TestHome();
    await home.ok(['start', 'idle.js', '--name', 'first']);
    await home.ok(['start', 'env.js', '-i', '3', '--name', 'wk', '--', 'NODE_APP_INSTANCE', 'pm_id']);
    const workers = await home.byName('wk');
    expect(workers.map((w) => [w.id, w.instance, w.spec.execMode, w.status])).toEqual([
      [1, 0, 'cluster', 'online'],
      [2, 1, 'cluster', 'online'],
      [3, 2, 'cluster', 'online'],
    ]);
    for (const worker of workers) {
      expect(worker.outLog).toBe(join(home.paths.logsDir, `wk-out-${worker.id}.log`));
      expect(worker.errLog).toBe(join(home.paths.logsDir, `wk-error-${worker.id}.log`));
      await logLine(worker, /^pm_id=\d+$/m);
      expect(readOr(worker.outLog)).toBe(`NODE_APP_INSTANCE=${worker.instance}\npm_id=${worker.id}\n`);
    }
    expect(readdirSync(home.paths.logsDir).filter((file) => file.startsWith('wk-out')).sort()).toEqual([
      'wk-out-1.log',
      'wk-out-2.log',
      'wk-out-3.log',
    ]);
  });

  it('passes --node-args to node, in fork and in cluster mode', async () => {
    home = new TestHome();
    await home.ok(['start', 'rp-report.js', '--name', 'nfork', '--node-args', '--max-old-space-size=100']);
    await home.ok(['start', 'rp-report.js', '--name', 'ncluster', '-i', '1', '--node-args', '--max-old-space-size=100 --no-warnings']);
    await home.ok(['start', 'rp-report.js', '--name', 'plain']);
    const expected: Record<string, string[]> = {
      nfork: ['--max-old-space-size=100'],
      ncluster: ['--max-old-space-size=100', '--no-warnings'],
      plain: [],
    };
    for (const [name, execArgv] of Object.entries(expected)) {
      const proc = await only(name);
      expect(proc.spec.nodeArgs).toEqual(execArgv);
      const [, got] = await logLine(proc, /^execArgv=(.*)$/m);
      // tsm may add its own flags (a --require preload), but the user's must all be there.
      const actual = JSON.parse(got!) as string[];
      expect(actual, name).toEqual(expect.arrayContaining(execArgv));
      if (execArgv.length === 0) expect(actual.join(' '), name).not.toContain('max-old-space-size');
    }
  });

  it('starts one worker per CPU with -i max', async () => {
    home = new TestHome();
    await home.ok(['start', 'idle.js', '-i', 'max', '--name', 'all-cpus']);
    const workers = await home.byName('all-cpus');
    const cpus = availableParallelism();
    expect(workers).toHaveLength(cpus);
    expect(workers.map((w) => w.instance)).toEqual([...Array(cpus).keys()]);
    for (const worker of workers) {
      expect(worker).toMatchObject({ status: 'online', spec: { execMode: 'cluster', instances: cpus } });
      await logLine(worker, new RegExp(`^idle ${worker.pid} instance=${worker.instance} `, 'm'));
    }
  });

  it('writes stdout and stderr line by line to <name>-out.log and <name>-error.log', async () => {
    home = new TestHome();
    await home.ok(['start', 'rp-output.js', '--name', 'talk', '--no-autorestart']);
    const proc = await only('talk');
    expect(proc.outLog).toBe(join(home.paths.logsDir, 'talk-out.log'));
    expect(proc.errLog).toBe(join(home.paths.logsDir, 'talk-error.log'));
    await waitFor('the app to finish', async () => (await only('talk')).status === 'stopped');
    // The last line had no newline: it is completed when the process ends.
    await waitFor('the last line', () => readOr(proc.outLog).includes('out tail'));
    expect(readOr(proc.outLog)).toBe('out one, continued\nout two é\nout tail\n');
    expect(readOr(proc.errLog)).toBe('err one, continued\nerr two\n');
  });
});
