import { existsSync, mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import type { ProcessInfo } from '../../src/protocol/process-info.js';
import { isAlive, processesOfHome } from '../helpers/procs.js';
import { TestHome } from '../helpers/tsm.js';

let home: TestHome;
afterEach(async () => {
  await home.cleanup();
});

/** What must not move when a command is refused: the daemon, and every app's id, status and pid. */
interface Snapshot {
  daemon: number;
  apps: Array<Pick<ProcessInfo, 'id' | 'name' | 'instance' | 'status' | 'pid' | 'restarts'>>;
}

async function snapshot(): Promise<Snapshot> {
  const [daemon, list] = await Promise.all([home.daemonPid(), home.list()]);
  const apps = list.map(({ id, name, instance, status, pid, restarts }) => ({ id, name, instance, status, pid, restarts }));
  return { daemon, apps };
}

/** A fresh home with a daemon and one running fork app, `idle` (id 0). */
async function homeWithApp(): Promise<Snapshot> {
  home = new TestHome();
  await home.ok(['start', 'idle.js']);
  const before = await snapshot();
  expect(before.apps).toMatchObject([{ id: 0, name: 'idle', status: 'online' }]);
  return before;
}

async function expectUnchanged(before: Snapshot): Promise<void> {
  expect(await snapshot()).toEqual(before);
  expect(isAlive(before.daemon)).toBe(true);
  for (const app of before.apps) if (app.pid !== null) expect(isAlive(app.pid)).toBe(true);
}

interface Refusal {
  args: string[];
  code: 1 | 2;
  /** A meaningful part of what stderr must say. */
  message: string | RegExp;
  env?: Record<string, string>;
}

/**
 * Runs commands that must each be refused with their exit code and message on stderr, and print
 * nothing on stdout. They run at once: each is refused on its own, whatever the others do.
 */
async function expectRefused(...refusals: Refusal[]): Promise<void> {
  const results = await Promise.all(refusals.map(({ args, env }) => home.run(args, env ? { env } : {})));
  refusals.forEach(({ args, code, message }, index) => {
    const result = results[index]!;
    const context = `tsm ${args.join(' ')}\nexit ${result.code}\nstdout: ${result.stdout}\nstderr: ${result.stderr}`;
    expect(result.code, context).toBe(code);
    if (typeof message === 'string') expect(result.stderr, context).toContain(message);
    else expect(result.stderr, context).toMatch(message);
    expect(result.stdout, context).toBe('');
  });
}

describe('bad input', () => {
  it('a missing script, or a directory as the script, fails with exit 1 and changes nothing', async () => {
    const before = await homeWithApp();
    const dir = join(home.home, 'a-dir');
    mkdirSync(dir);
    await expectRefused(
      { args: ['start', 'missing.js'], code: 1, message: /script not found: .*missing\.js/ },
      { args: ['start', './nowhere/app.js'], code: 1, message: /script not found: .*nowhere\/app\.js/ },
      // No extension and no slash: neither a file nor a known app.
      { args: ['start', 'nosuchthing'], code: 1, message: "no app or id matches 'nosuchthing'" },
      { args: ['start', dir], code: 1, message: `${dir} is a directory` },
    );
    await expectUnchanged(before);
  });

  it('bad option values, unknown options and unknown commands are usage errors (exit 2) that change nothing', async () => {
    const before = await homeWithApp();
    const start = ['start', 'http-server.js', '--name', 'other'];
    await expectRefused(
      { args: [...start, '-i', 'abc'], code: 2, message: '-i abc: instances must be a whole number' },
      { args: [...start, '-i', '1.5'], code: 2, message: '-i 1.5: instances must be a whole number' },
      { args: [...start, '--kill-signal', 'SIGFOO'], code: 2, message: '--kill-signal SIGFOO: not a signal name' },
      { args: [...start, '--kill-signal', ''], code: 2, message: '--kill-signal' },
      { args: [...start, '--max-restarts', 'abc'], code: 2, message: '--max-restarts abc: expected a whole number' },
      { args: [...start, '--max-restarts', '-3'], code: 2, message: '--max-restarts -3: expected a whole number' },
      { args: [...start, '--max-restarts', '2.5'], code: 2, message: '--max-restarts 2.5: expected a whole number' },
      { args: [...start, '--restart-delay', 'soon'], code: 2, message: '--restart-delay soon: expected a duration' },
      { args: [...start, '--restart-delay', '-5'], code: 2, message: '--restart-delay -5: expected a duration' },
      { args: [...start, '--bogus'], code: 2, message: "unknown option '--bogus'" },
      // The target is valid: the bad option must stop the command before it reaches the daemon.
      { args: ['stop', 'idle', '--frobnicate'], code: 2, message: "unknown option '--frobnicate'" },
      { args: ['frobnicate', 'idle'], code: 2, message: "unknown command 'frobnicate'" },
    );
    await expectUnchanged(before);
  });

  it('-i abc does not even start a daemon in a fresh home', async () => {
    home = new TestHome();
    await expectRefused({ args: ['start', 'idle.js', '-i', 'abc'], code: 2, message: '-i abc' });
    expect(existsSync(home.paths.pidFile)).toBe(false);
    expect(existsSync(home.paths.socket)).toBe(false);
    expect(processesOfHome(home.home)).toEqual([]);
  });

  it('unknown names and ids for stop, restart, delete, show fail with exit 1, change nothing, even next to known ones', async () => {
    const before = await homeWithApp();
    await expectRefused(
      ...['stop', 'restart', 'delete', 'show'].flatMap((command): Refusal[] => [
        { args: [command, 'nope'], code: 1, message: "no app or id matches 'nope'" },
        { args: [command, '42'], code: 1, message: "no app or id matches '42'" },
      ]),
      // Every target must match before anything is done: the known app keeps running.
      { args: ['stop', 'idle', 'nope'], code: 1, message: "no app or id matches 'nope'" },
      { args: ['restart', 'idle', '42'], code: 1, message: "no app or id matches '42'" },
      { args: ['delete', '0', 'nope'], code: 1, message: "no app or id matches 'nope'" },
      { args: ['stop', 'all', 'nope'], code: 1, message: "no app or id matches 'nope'" },
    );
    await expectUnchanged(before);
  });

  it('start of a script whose app already runs fails with exit 1; -f replaces it under the same id', async () => {
    const before = await homeWithApp();
    await expectRefused({ args: ['start', 'idle.js'], code: 1, message: "app 'idle' is already running (id 0)" });
    await expectUnchanged(before);

    const oldPid = before.apps[0]!.pid!;
    await home.ok(['start', 'idle.js', '-f']);
    const after = await snapshot();
    expect(after.daemon).toBe(before.daemon);
    expect(after.apps).toMatchObject([{ id: 0, name: 'idle', status: 'online' }]);
    expect(after.apps[0]!.pid).not.toBe(oldPid);
    expect(isAlive(after.apps[0]!.pid!)).toBe(true);
    expect(isAlive(oldPid)).toBe(false);
  });

  it('a TSM_HOME below a regular file, or too long for a socket, is refused with exit 1, naming TSM_HOME', async () => {
    const before = await homeWithApp();
    const file = join(home.home, 'a-file');
    writeFileSync(file, 'not a directory\n');
    const belowFile = join(file, 'home');
    const tooLong = join(home.home, 'x'.repeat(110));
    const notDir = new RegExp(`TSM_HOME ${belowFile} cannot be used: ENOTDIR`);
    const long = /TSM_HOME is too long.*Set TSM_HOME to a shorter directory/s;
    await expectRefused(
      ...[['ping'], ['start', 'idle.js'], ['list'], ['kill']].flatMap((args): Refusal[] => [
        { args, code: 1, message: notDir, env: { TSM_HOME: belowFile } },
        { args, code: 1, message: long, env: { TSM_HOME: tooLong } },
      ]),
    );
    expect(existsSync(tooLong)).toBe(false);
    expect(processesOfHome(belowFile)).toEqual([]);
    expect(processesOfHome(tooLong)).toEqual([]);
    await expectUnchanged(before);
  });

  it('a non-existent --interpreter fails with exit 1 and leaves no app in the list', async () => {
    const before = await homeWithApp();
    await expectRefused({
      args: ['start', 'idle.js', '--name', 'ghost', '--interpreter', 'definitely-not-a-binary'],
      code: 1,
      message: /could not start ghost: .*definitely-not-a-binary/,
    });
    await expectUnchanged(before);
  });
});
