import { afterEach, describe, expect, it } from 'vitest';
import { isAlive } from '../helpers/procs.js';
import { TestHome } from '../helpers/tsm.js';

let home: TestHome;
afterEach(async () => {
  await home.cleanup();
});

describe('save and resurrect', () => {
  it('brings back after a kill the apps that were saved, running or stopped, under their ids', async () => {
    home = new TestHome();
    await home.ok(['start', 'idle.js', '--name', 'web', '-i', '2']);
    await home.ok(['start', 'idle.js', '--name', 'job', '--max-restarts', '7']);
    await home.ok(['stop', 'job']);
    const saved = await home.ok(['save']);
    expect(saved.stderr).toContain('saved 2 app(s)');
    const before = await home.list();
    await home.ok(['kill']);
    for (const p of before) if (p.pid) expect(isAlive(p.pid)).toBe(false);

    // A new daemon starts empty: a clean kill is not a crash.
    expect(await home.list()).toEqual([]);
    const resurrected = await home.ok(['resurrect']);
    expect(resurrected.stderr).toContain('started web (ids 0, 1)');
    const after = await home.list();
    expect(after.map((p) => [p.id, p.name, p.status])).toEqual([
      [0, 'web', 'online'],
      [1, 'web', 'online'],
      [2, 'job', 'stopped'],
    ]);
    expect(after.find((p) => p.name === 'job')!.spec.maxRestarts).toBe(7);

    // A second resurrect adds nothing: the apps are in the list already.
    const again = await home.ok(['resurrect']);
    expect(again.stderr).toContain('nothing to start');
    expect((await home.list()).map((p) => p.pid)).toEqual(after.map((p) => p.pid));
  });

  it('says what to do when nothing was saved', async () => {
    home = new TestHome();
    const result = await home.run(['resurrect']);
    expect(result.code).toBe(1);
    expect(result.stderr).toContain("Run 'tsm save' while your apps run");
  });
});

describe('resurrect with ids taken meanwhile', () => {
  it('gives the saved processes unique ids when some saved ids are in use', async () => {
    home = new TestHome();
    await home.ok(['start', 'idle.js', '--name', 'early']); // id 0
    await home.ok(['start', 'idle.js', '--name', 'web', '-i', '2']); // ids 1, 2
    await home.ok(['save']);
    await home.ok(['kill']);
    // A new daemon numbers from 0 again: ids 0 and 1 are taken, saved id 2 is free.
    await home.ok(['start', 'idle.js', '--name', 'x']);
    await home.ok(['start', 'idle.js', '--name', 'y']);
    await home.ok(['resurrect']);
    const list = await home.list();
    const ids = list.map((p) => p.id);
    expect(new Set(ids).size).toBe(ids.length);
    expect(list.find((p) => p.name === 'web' && p.instance === 1)!.id).toBe(2);
    expect(list.map((p) => p.name).sort()).toEqual(['early', 'web', 'web', 'x', 'y']);
  });
});
