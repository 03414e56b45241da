import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { freePort, get } from '../helpers/net.js';
import { FIXTURES, TestHome } from '../helpers/tsm.js';
import { waitFor } from '../helpers/wait.js';

let home: TestHome;
let dir: string;
afterEach(async () => {
  await home.cleanup();
  rmSync(dir, { recursive: true, force: true });
});

function writeEcosystem(name: string, text: string): string {
  const path = join(dir, name);
  writeFileSync(path, text);
  return path;
}

describe('ecosystem files', () => {
  it('starts, reloads, stops and deletes the apps of a file, with --env and --only', async () => {
    home = new TestHome();
    dir = mkdtempSync(join(tmpdir(), 'eco-'));
    const port = await freePort();
    const file = writeEcosystem(
      'ecosystem.config.js',
      `module.exports = { apps: [
        { name: 'api', script: ${JSON.stringify(join(FIXTURES, 'reloadable.js'))}, instances: 2, env: { PORT: ${port} },
          env_production: { MODE: 'ok' }, vizion: false },
        { name: 'env', script: ${JSON.stringify(join(FIXTURES, 'env.js'))}, args: ['MODE', 'PORT'], env: { PORT: 'x' },
          env_production: { MODE: 'prod' }, out_file: 'env.out' },
      ] };`,
    );
    const started = await home.ok(['start', file, '--env', 'production'], { cwd: dir });
    expect(started.stderr).toContain('ignored, with no meaning in tsm: vizion');
    expect(started.stderr).toContain('started api (ids 0, 1)');
    expect(started.stderr).toContain('started env (id 2)');
    await waitFor('the cluster app to answer', () => get(port).catch(() => null));
    const { readFile } = await import('node:fs/promises');
    // out_file is relative to the app's cwd (the command's directory); env_production is merged over env.
    await waitFor('the env app to print', async () => (await readFile(join(dir, 'env.out'), 'utf8').catch(() => '')).includes('PORT=x'));
    expect(await readFile(join(dir, 'env.out'), 'utf8')).toContain('MODE=prod');

    const before = await home.byName('api');
    const reloaded = await home.ok(['reload', file, '--only', 'api'], { cwd: dir });
    expect(reloaded.stderr).toContain('reloaded api');
    expect(reloaded.stderr).not.toContain('env (id 2)');
    const after = await home.byName('api');
    expect(after.map((p) => p.pid)).not.toEqual(before.map((p) => p.pid));

    await home.ok(['stop', file], { cwd: dir });
    expect((await home.list()).map((p) => p.status)).toEqual(['stopped', 'stopped', 'stopped']);
    await home.ok(['delete', file], { cwd: dir });
    expect(await home.list()).toEqual([]);
  });

  it('refuses a file with a missing script or a bad field, starting nothing', async () => {
    home = new TestHome();
    dir = mkdtempSync(join(tmpdir(), 'eco-'));
    await home.ok(['start', 'idle.js', '--name', 'keep']);
    const [keep] = await home.list();
    const missing = writeEcosystem(
      'missing.config.js',
      `module.exports = { apps: [{ name: 'ok', script: ${JSON.stringify(join(FIXTURES, 'idle.js'))} }, { name: 'gone', script: 'nope.js' }] };`,
    );
    const result = await home.run(['start', missing], { cwd: dir });
    expect(result.code).toBe(1);
    expect(result.stderr).toContain("app 'gone': script not found");
    const bad = writeEcosystem('apps.json', JSON.stringify({ apps: [{ name: 'j', script: 'idle.js', instances: 'abc' }] }));
    const badResult = await home.run(['start', bad], { cwd: dir });
    expect(badResult.code).toBe(2);
    expect(badResult.stderr).toContain('apps[0] (j): instances abc');
    const broken = writeEcosystem('broken.config.js', 'module.exports = {');
    const brokenResult = await home.run(['start', broken], { cwd: dir });
    expect(brokenResult.code).toBe(2);
    expect(brokenResult.stderr).toContain('cannot read the ecosystem file');
    expect(await home.list()).toEqual([expect.objectContaining({ name: 'keep', pid: keep!.pid, status: 'online' })]);
  });
});
