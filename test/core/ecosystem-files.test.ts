import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { machineHost } from '../../src/cli/ecosystem/host.js';
import { loadEcosystemFile } from '../../src/cli/ecosystem/load-file.js';
import { buildAppSpec } from '../../src/core/app-spec.js';
import { ecosystemInputs, type EcosystemHost } from '../../src/core/ecosystem.js';
import { TsmError } from '../../src/core/errors.js';
import { FIXTURES } from '../helpers/tsm.js';

/**
 * Each fixture of test/fixtures/eco through the real file loader and the ecosystem loader, as
 * `tsm start <file>` run from test/fixtures/eco would: relative paths are taken from there.
 */
const ECO = join(FIXTURES, 'eco');
const REPORT = join(ECO, 'report.js');
const ENV = { PATH: '/opt/bin:/usr/bin', HOME: '/home/u', PORT: '1' };

/** The real file system, and a PATH holding `eco-tool` and `node` (what `which` would find). */
const host: EcosystemHost = {
  ...machineHost,
  which: (command, pathEnv) => {
    expect(pathEnv).toBe(ENV.PATH);
    return ({ 'eco-tool': '/opt/bin/eco-tool', node: '/usr/bin/node' } as Record<string, string>)[command] ?? null;
  },
};

async function load(file: string, envName?: string) {
  const path = join(ECO, file);
  const config = await loadEcosystemFile(path);
  return ecosystemInputs(config, { baseDir: ECO, env: ENV, host, file: path, ...(envName ? { envName } : {}) });
}

async function loadError(file: string): Promise<TsmError> {
  try {
    await load(file);
  } catch (error) {
    expect(error).toBeInstanceOf(TsmError);
    return error as TsmError;
  }
  throw new Error(`${file} loaded without an error`);
}

describe('ecosystem file formats', () => {
  it.each([
    ['formats/ecosystem.config.js', 'js'],
    ['formats/cjs.config.cjs', 'cjs'],
    ['formats/default.config.mjs', 'mjs-default'],
    ['formats/named.config.mjs', 'mjs-named'],
    ['formats/await.config.mjs', 'mjs-await'],
    ['formats/esm-package/ecosystem.config.js', 'js-esm-package'],
    ['formats/pm2.json', 'json-one-app'],
    ['formats/lenient.json', 'json-lenient'],
    ['formats/apps.json5', 'json5'],
    ['formats/process.yml', 'yml'],
    ['formats/ecosystem.yaml', 'yaml'],
    ['formats/list.json', 'json-list'],
  ])('%s gives one app, its script resolved from the directory the command runs in', async (file, format) => {
    const { inputs, notices } = await load(file);
    expect(notices).toEqual([]);
    expect(inputs).toEqual([
      { name: 'web', script: REPORT, cwd: ECO, instances: 2, env: { ...ENV, ECO_FORMAT: format } },
    ]);
    const spec = buildAppSpec(inputs[0]!, 4);
    expect(spec).toMatchObject({ name: 'web', execMode: 'cluster', instances: 2, interpreter: 'node' });
  });
});

describe('malformed files', () => {
  it.each([
    ['bad/broken.yml', /broken\.yml:6:3: not valid YAML: /],
    ['bad/broken.json5', /broken\.json5:5:5: not valid JSON5: invalid character '\{'/],
    ['bad/broken.json', /broken\.json:3:42: not valid JSON \(nor JSON5\): invalid character '\]'/],
    ['bad/broken.config.js', /broken\.config\.js:5:5: a JavaScript syntax error: Unexpected token '\{'/],
    ['bad/broken.config.mjs', /broken\.config\.mjs:5:5: a JavaScript syntax error: Unexpected token '\{'/],
  ])('%s is refused with its path, line and column', async (file, message) => {
    const error = await loadError(file);
    expect(error.code).toBe('E_USAGE');
    expect(error.message).toContain(`cannot read the ecosystem file ${join(ECO, file)}:`);
    expect(error.message).toMatch(message);
  });

  it('says how to fix ES module syntax in a CommonJS .js file', async () => {
    const error = await loadError('bad/esm-in-cjs.config.js');
    expect(error.message).toMatch(/esm-in-cjs\.config\.js:2:1: a JavaScript syntax error: Unexpected token 'export'/);
    expect(error.message).toContain('rename it to .mjs, or write module.exports');
  });

  it('names a file that throws when run', async () => {
    const error = await loadError('bad/throws.config.js');
    expect(error.message).toContain('throws.config.js: running it failed: no config for you');
  });
});

describe("PM2's aliases", () => {
  it('reads cmd, exec_interpreter, execMode, pid, out/err, out_log/err_log, fork_mode/cluster_mode and string instances', async () => {
    const { inputs, notices } = await load('shapes/aliases.yml');
    expect(notices).toEqual([]);
    const [cmd, fork, short, pm2] = inputs;
    expect(cmd).toMatchObject({ name: 'cmd-alias', script: REPORT, interpreter: 'node', execMode: 'cluster', instances: 0 });
    expect(fork).toMatchObject({ execMode: 'fork', instances: -1, pidFile: join(ECO, 'run/fork.pid') });
    expect(short!.logs).toEqual({ out: join(ECO, 'logs/short.out'), err: join(ECO, 'logs/short.err') });
    expect(pm2).toMatchObject({ instances: 4, pidFile: join(ECO, 'run/pm2.pid') });
    expect(pm2!.logs).toEqual({ out: join(ECO, 'logs/pm2.out'), err: join(ECO, 'logs/pm2.err') });
    expect(buildAppSpec(fork!, 4)).toMatchObject({ execMode: 'fork', instances: 3 });
  });
});

describe('lenient details', () => {
  it('splits args like a shell, types env values, maps port, accepts names with spaces, resolves from the cwd', async () => {
    const { inputs } = await load('shapes/details.config.js', 'production');
    const [api, sub, portOnly] = inputs;
    expect(api!.name).toBe('my api');
    expect(api!.args).toEqual(['--name', 'a b', '--flag', 'c d', 'plain']);
    // port gives PORT, but the app's own env.PORT, more specific, wins; undefined and null are skipped.
    expect(api!.env).toEqual({
      ...ENV,
      ECO_NUMBER: '3',
      ECO_FLAG: 'false',
      ECO_OBJECT: '{"a":1}',
      PORT: '9090',
      ECO_STAGE: 'production',
    });
    expect(sub).toMatchObject({
      cwd: join(ECO, 'sub'),
      script: join(ECO, 'sub', 'report.js'),
      logs: { out: join(ECO, 'sub', 'out.log'), err: 'NULL', combined: join(ECO, 'sub', 'all.log') },
    });
    expect(portOnly!.env!['PORT']).toBe('7070');
    expect(buildAppSpec(api!, 2).name).toBe('my api');
  });
});

describe('script as a command', () => {
  it('looks commands up on PATH, runs node lines as Node apps, and shell syntax through /bin/sh', async () => {
    const { inputs, notices } = await load('shapes/commands.yml');
    const [onPath, nodeLine, nodeWord, toolLine, shellLine, unnamed] = inputs;
    expect(onPath).toMatchObject({ name: 'on-path', script: '/opt/bin/eco-tool', interpreter: 'none', args: ['--verbose'] });
    expect(nodeLine).toMatchObject({
      script: REPORT,
      interpreter: 'node',
      nodeArgs: ['--enable-source-maps'],
      args: ['--port', '3000'],
      execMode: 'cluster',
      instances: 2,
    });
    expect(nodeWord).toMatchObject({ script: REPORT, interpreter: 'node', args: ['--quiet'] });
    // Cluster mode asked for a program that is not Node: run in fork mode, with a warning.
    expect(toolLine).toMatchObject({ script: '/opt/bin/eco-tool', interpreter: 'none', args: ['run', 'a b'], execMode: 'fork' });
    expect(shellLine).toMatchObject({
      script: '/bin/sh',
      interpreter: 'none',
      args: ['-c', "eco-tool build && eco-tool serve > out.txt --x 'y z'"],
    });
    expect(unnamed).toMatchObject({ name: 'eco-tool', script: '/bin/sh', args: ['-c', 'ECO_MODE=1 eco-tool serve | cat'] });
    expect(notices).toEqual([
      expect.stringMatching(/apps\[3\] \(tool-line\): exec_mode cluster: runs \/opt\/bin\/eco-tool, which is not a Node script; started in fork mode/),
    ]);
  });
});

describe('runtime fields', () => {
  it('maps the memory limit, watch, cron, instance and increment variables, pid file, autostart and namespace', async () => {
    const { inputs, notices } = await load('shapes/runtime.config.js');
    const [limited, whole, off, onePath] = inputs;
    expect(limited).toMatchObject({
      maxMemoryRestart: 300 * 1024 * 1024,
      watch: [join(ECO, 'formats'), join(ECO, 'shapes')],
      ignoreWatch: ['node_modules', '*.log', 'tmp'],
      watchDelay: 500,
      cronRestart: '*/5 * * * * *',
      instanceVar: 'INSTANCE_ID',
      incrementVar: 'PORT',
      pidFile: join(ECO, 'limited.pid'),
      autostart: false,
      namespace: 'backend',
    });
    expect(limited!.env!['PORT']).toBe('4000');
    expect(whole).toMatchObject({ watch: true, maxMemoryRestart: 1048576, cronRestart: '0 3 * * *' });
    expect(off).toMatchObject({ maxMemoryRestart: 512 * 1024 });
    expect(off).not.toHaveProperty('watch');
    expect(off).not.toHaveProperty('cronRestart');
    expect(onePath).toMatchObject({ watch: [join(ECO, 'formats')], maxMemoryRestart: 1024 ** 3 });
    expect(notices).toEqual([
      expect.stringMatching(/ignored, with no meaning in tsm: watch_options\.followSymlinks, watch_options\.usePolling \(tsm's watcher has its own settings\)\.$/),
    ]);
    const spec = buildAppSpec(limited!, 2);
    expect(spec).toMatchObject({ watch: [join(ECO, 'formats'), join(ECO, 'shapes')], autostart: false, namespace: 'backend' });
    expect(buildAppSpec(whole!, 2).watch).toEqual([ECO]);
  });
});

describe('notices', () => {
  it("names PM2's fields with no meaning in tsm once, and unknown fields with a suggestion", async () => {
    const { inputs, notices } = await load('shapes/pm2-extras.config.js');
    expect(inputs.map((input) => input.name)).toEqual(['a', 'b']);
    expect(notices).toHaveLength(2);
    expect(notices[0]).toMatch(/ignored, with no meaning in tsm: /);
    expect(notices[0]).toContain('deploy (tsm has no deploy command');
    expect(notices[0]).toContain('pmx, automation (PM2 Plus monitoring)');
    expect(notices[0]).toContain('vizion (PM2 version-control metadata)');
    expect(notices[0]).toContain("treekill (tsm always stops an app's children with it)");
    expect(notices[0]!.match(/pmx/g)).toHaveLength(1);
    expect(notices[1]).toMatch(/ignored, unknown to tsm: instance in a \(did you mean instances\?\), colour in b\.$/);
    expect(notices.join('\n')).not.toContain('watch');
  });
});
