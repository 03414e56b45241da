import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import type { ProcessInfo } from '../../src/protocol/process-info.js';
import { isAlive } from '../helpers/procs.js';
import { FIXTURES, TestHome } from '../helpers/tsm.js';
import { waitFor } from '../helpers/wait.js';

/**
 * Several apps at once: an ecosystem file's apps started together (saved together, in the
 * file's order), and many processes exiting together (their leftovers searched for together).
 * What is batched must keep each app's guarantee: nothing answered is lost, nothing is left.
 */
let home: TestHome;
afterEach(async () => {
  await home.cleanup();
});

/** The pid an app printed as `<word> <pid>` in its out log. */
async function printedPid(proc: ProcessInfo, word: string): Promise<number> {
  const pattern = new RegExp(`^${word} (\\d+)$`, 'm');
  const match = await waitFor(`${proc.name}'s ${word} pid`, () => pattern.exec(readFileSync(proc.outLog!, 'utf8')));
  return Number(match[1]);
}

async function startApps(script: string, names: string[]): Promise<ProcessInfo[]> {
  // A short kill timeout: a background job of a shell ignores SIGINT, and waits for the SIGKILL.
  for (const name of names) await home.ok(['start', script, '--name', name, '--kill-timeout', '300']);
  const list = await home.list();
  return names.map((name) => list.find((p) => p.name === name)!);
}

describe('many apps at once', () => {
  it("starts an ecosystem file's apps in its order, ids too, all saved once the command answers", async () => {
    home = new TestHome();
    const names = ['h', 'c', 'a', 'f', 'b', 'g', 'd', 'e'];
    const file = join(home.home, 'many.config.js');
    const apps = names.map((name) => ({ name, script: join(FIXTURES, 'idle.js') }));
    writeFileSync(file, `module.exports = ${JSON.stringify({ apps })};\n`);
    const started = await home.ok(['start', file]);
    // The daemon dies the moment the command has answered: what it answered is on disk.
    const daemon = Number(readFileSync(home.paths.pidFile, 'utf8'));
    process.kill(daemon, 'SIGKILL');
    const lines = started.stderr.split('\n').filter((line) => line.includes('started'));
    expect(lines).toEqual(names.map((name, id) => `[tsm] started ${name} (id ${id})`));
    const saved = JSON.parse(readFileSync(home.paths.appsFile, 'utf8')) as {
      apps: Array<{ spec: { name: string }; ids: number[]; desired: string; pids: number[] }>;
    };
    expect(saved.apps.map((app) => [app.spec.name, app.ids, app.desired])).toEqual(names.map((name, id) => [name, [id], 'running']));
    // The next daemon takes them back from that file.
    await waitFor('the daemon to die', () => !isAlive(daemon));
    await home.ok(['ping']);
    await waitFor('every app online again', async () => {
      const list = await home.list();
      return list.length === names.length && list.every((p) => p.status === 'online');
    });
  });

  it('ends the children of every app when several crash at the same moment', async () => {
    home = new TestHome();
    const names = ['c0', 'c1', 'c2', 'c3'];
    const apps = await startApps('spawn-then-crash.js', names);
    const children = await Promise.all(apps.map((app) => printedPid(app, 'child')));
    for (const pid of children) expect(isAlive(pid)).toBe(true);
    // All at once, from outside: their exits come together and share searches.
    for (const app of apps) process.kill(app.pid!, 'SIGKILL');
    await waitFor('every crashed app’s child to end', () => children.every((pid) => !isAlive(pid)));
    // The restarted apps' own children are spared: they belong to a live process's tree.
    const restarted = await waitFor('the apps to be restarted', async () => {
      const list = (await home.list()).filter((p) => p.status === 'online' && !apps.some((old) => old.pid === p.pid));
      return list.length === names.length ? list : null;
    });
    const fresh = await Promise.all(
      restarted.map((app) =>
        waitFor(`${app.name}'s new child`, () => {
          const pids = [...readFileSync(app.outLog!, 'utf8').matchAll(/^child (\d+)$/gm)].map((m) => Number(m[1]));
          return pids.length === 2 ? pids[1] : null;
        }),
      ),
    );
    for (const pid of fresh) expect(isAlive(pid)).toBe(true);
  });

  it('stop all ends what each app left outside its tree and its process group', async () => {
    home = new TestHome();
    const apps = await startApps('leaves-orphan.js', ['o0', 'o1', 'o2']);
    const orphans = await Promise.all(apps.map((app) => printedPid(app, 'orphan')));
    for (const pid of orphans) expect(isAlive(pid)).toBe(true);
    await home.ok(['stop', 'all']);
    await waitFor('every orphan to end', () => orphans.every((pid) => !isAlive(pid)));
  });
});
