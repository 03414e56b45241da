import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { encodeLogName } from '../../src/core/paths.js';
import { FIXTURES, TestHome } from '../helpers/tsm.js';
import { waitFor } from '../helpers/wait.js';

/**
 * PM2 users' files with the real daemon: a YAML, a JSON5 and an ES module file from
 * test/fixtures/eco/run, started from that directory (relative paths are taken from there, as in
 * PM2). Each app is test/fixtures/eco/report.js, which prints what it saw as one JSON line.
 */
const ECO = join(FIXTURES, 'eco');
const RUN = join(ECO, 'run');

interface Report {
  cwd: string;
  argv: string[];
  env: Record<string, string>;
}

let home: TestHome | undefined;
afterEach(async () => {
  await home?.cleanup();
  home = undefined;
});

/** Every REPORT line the app printed, from its out files (one per instance or shared). */
function reports(test: TestHome, name: string): Report[] {
  const prefix = `${encodeLogName(name)}-out`;
  return readdirSync(test.paths.logsDir)
    .filter((file) => file.startsWith(prefix))
    .flatMap((file) => readFileSync(join(test.paths.logsDir, file), 'utf8').split('\n'))
    .filter((line) => line.startsWith('REPORT '))
    .map((line) => JSON.parse(line.slice('REPORT '.length)) as Report);
}

async function reportsOf(test: TestHome, name: string, count: number): Promise<Report[]> {
  return waitFor(`${count} report(s) from ${name}`, () => {
    const found = reports(test, name);
    return found.length >= count ? found : null;
  });
}

describe('ecosystem formats with the real daemon', () => {
  it('starts YAML, JSON5 and ES module files: names, instances, env and cwd as the apps saw them', async () => {
    const test = (home = new TestHome());
    const env = { ECO_FROM_CLI: 'cli' };
    const yaml = await test.ok(['start', 'process.yml'], { cwd: RUN, env });
    expect(yaml.stderr).toContain('started yaml app (ids 0, 1)');
    expect(yaml.stderr).toContain('started shell app (id 2)');
    await test.ok(['start', 'apps.json5'], { cwd: RUN, env });
    await test.ok(['start', 'esm.config.mjs'], { cwd: RUN, env });

    const list = await test.list();
    expect(list.map((p) => [p.name, p.spec.execMode])).toEqual([
      ['yaml app', 'fork'],
      ['yaml app', 'fork'],
      ['shell app', 'fork'],
      ['json5-app', 'fork'],
      ['mjs-app', 'cluster'],
      ['mjs-app', 'cluster'],
    ]);

    const yamlReports = await reportsOf(test, 'yaml app', 2);
    for (const report of yamlReports) {
      expect(report.cwd).toBe(RUN);
      expect(report.argv).toEqual(['--greeting', 'hello world']);
      expect(report.env).toMatchObject({ ECO_FORMAT: 'yaml', ECO_NUMBER: '42', ECO_FLAG: 'true', ECO_FROM_CLI: 'cli' });
    }
    expect(yamlReports.map((r) => r.env['NODE_APP_INSTANCE']).sort()).toEqual(['0', '1']);

    const [piped] = await reportsOf(test, 'shell app', 1);
    expect(piped).toMatchObject({ cwd: RUN, argv: ['piped'] });

    const [json5] = await reportsOf(test, 'json5-app', 1);
    expect(json5!.cwd).toBe(join(RUN, 'work'));
    expect(json5!.env).toMatchObject({ ECO_FORMAT: 'json5', PORT: '4310', ECO_FROM_CLI: 'cli' });

    // A name with a space is a target like any other.
    await test.ok(['stop', 'yaml app']);
    expect((await test.byName('yaml app')).map((p) => p.status)).toEqual(['stopped', 'stopped']);

    const mjs = await reportsOf(test, 'mjs-app', 2);
    for (const report of mjs) {
      expect(report.cwd).toBe(RUN);
      expect(report.env).toMatchObject({ ECO_FORMAT: 'mjs' });
      expect(report.env).not.toHaveProperty('ECO_GONE');
    }
  });

  it('puts flags typed beside the file over its values for every app, and refuses --name for several', async () => {
    const test = (home = new TestHome());
    await test.ok(['start', 'process.yml', '-i', '1', '--max-memory-restart', '300M', '--kill-timeout', '2500'], { cwd: RUN });
    const list = await test.list();
    expect(list.map((p) => [p.name, p.spec.instances, p.spec.maxMemoryRestart, p.spec.killTimeout])).toEqual([
      ['yaml app', 1, 300 * 1024 * 1024, 2500],
      ['shell app', 1, 300 * 1024 * 1024, 2500],
    ]);
    // What the file says and no flag overrides is kept.
    const [report] = await reportsOf(test, 'yaml app', 1);
    expect(report!.argv).toEqual(['--greeting', 'hello world']);

    const renamed = await test.run(['start', 'process.yml', '--name', 'one'], { cwd: RUN });
    expect(renamed.code).toBe(2);
    expect(renamed.stderr).toContain('--name one: the file starts 2 apps');
    await test.ok(['start', 'process.yml', '--only', 'shell app', '--name', 'renamed'], { cwd: RUN });
    expect((await test.list()).map((p) => p.name)).toEqual(['yaml app', 'shell app', 'renamed']);
  });

  it('refuses malformed YAML, JSON5 and JavaScript files and bad values with file, line and column or field, starting nothing', async () => {
    const test = (home = new TestHome());
    await test.ok(['start', join(FIXTURES, 'idle.js'), '--name', 'keep']);
    const [keep] = await test.list();

    const malformed: Array<[string, string]> = [
      ['bad/broken.yml', ':6:3: not valid YAML'],
      ['bad/broken.json5', ':5:5: not valid JSON5'],
      ['bad/broken.config.js', ":5:5: a JavaScript syntax error: Unexpected token '{'"],
      ['bad/broken.config.mjs', ":5:5: a JavaScript syntax error: Unexpected token '{'"],
    ];
    for (const [file, message] of malformed) {
      const result = await test.run(['start', file], { cwd: ECO });
      expect(result.code, file).toBe(2);
      expect(result.stderr).toContain(`cannot read the ecosystem file ${join(ECO, file)}${message}`);
    }

    const cron = await test.run(['start', 'bad/values.yml'], { cwd: ECO });
    expect(cron.code).toBe(2);
    expect(cron.stderr).toContain(`${join(ECO, 'bad/values.yml')}: apps[1] (nightly): cron_restart "0 25 * * *": not a valid cron expression`);

    const flags: Array<[string[], string]> = [
      [['--max-memory-restart', 'M'], '--max-memory-restart M: expected a memory size'],
      [['-c', '61 * * * *'], '--cron-restart "61 * * * *": not a valid cron expression'],
      [['--watch', 'no-such-dir'], `--watch no-such-dir: ${join(ECO, 'no-such-dir')} does not exist`],
      [['--increment-var', '1X'], '--increment-var "1X": expected a variable name'],
    ];
    for (const [args, message] of flags) {
      const result = await test.run(['start', 'report.js', '--name', 'flagged', ...args], { cwd: ECO });
      expect(result.code, args.join(' ')).toBe(2);
      expect(result.stderr).toContain(message);
    }

    expect(await test.list()).toEqual([expect.objectContaining({ name: 'keep', pid: keep!.pid, status: 'online' })]);
  });
});
