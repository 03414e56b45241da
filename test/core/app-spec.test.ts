import { describe, expect, it } from 'vitest';
import {
  buildAppSpec,
  defaultAppName,
  DEFAULTS,
  interpreterFor,
  isNodeInterpreter,
  type AppSpec,
  type StartInput,
} from '../../src/core/app-spec.js';
import { usageError } from '../helpers/usage-error.js';

const CPUS = 4;

/** Input as a hand-written client may send it: any shape, over a default script. */
function build(input: Record<string, unknown>, cpus = CPUS): AppSpec {
  return buildAppSpec({ script: '/srv/app/server.js', ...input } as StartInput, cpus);
}

describe('buildAppSpec defaults', () => {
  it('fills every field with PM2-like defaults, and tsm kill timeout of 5 s', () => {
    expect(build({})).toEqual({
      name: 'server',
      script: '/srv/app/server.js',
      args: [],
      interpreter: 'node',
      nodeArgs: [],
      cwd: '/',
      env: {},
      instances: 1,
      execMode: 'fork',
      autorestart: true,
      maxRestarts: 16,
      minUptime: 1000,
      restartDelay: 0,
      expBackoffRestartDelay: 0,
      stopExitCodes: [],
      killSignal: 'SIGINT',
      killTimeout: 5000,
      shutdownWithMessage: false,
      listenTimeout: 3000,
      waitReady: false,
      logs: {
        combined: null,
        merge: false,
        dateFormat: null,
        type: 'text',
        rotation: { maxSize: 10 * 1024 * 1024, retain: 5, compress: false, interval: null },
      },
      maxMemoryRestart: 0,
      watch: false,
      ignoreWatch: [],
      watchDelay: 1000,
      cronRestart: '',
      instanceVar: 'NODE_APP_INSTANCE',
      incrementVar: null,
      pidFile: null,
      autostart: true,
      namespace: 'default',
    });
    expect(DEFAULTS).toMatchObject({ killSignal: 'SIGINT', killTimeout: 5000, maxRestarts: 16, minUptime: 1000 });
  });

  it('keeps what was given', () => {
    const spec = build({
      name: 'api',
      args: ['--port', '3000'],
      nodeArgs: ['--max-old-space-size=512'],
      cwd: '/srv/app',
      env: { PORT: '3000' },
      autorestart: false,
      maxRestarts: 3,
      minUptime: 200,
      restartDelay: 100,
      expBackoffRestartDelay: 50,
      stopExitCodes: [0, 3],
      killSignal: 'SIGTERM',
      killTimeout: 100,
      shutdownWithMessage: true,
      listenTimeout: 800,
      waitReady: true,
    });
    expect(spec).toMatchObject({
      name: 'api',
      args: ['--port', '3000'],
      nodeArgs: ['--max-old-space-size=512'],
      cwd: '/srv/app',
      env: { PORT: '3000' },
      autorestart: false,
      maxRestarts: 3,
      minUptime: 200,
      restartDelay: 100,
      expBackoffRestartDelay: 50,
      stopExitCodes: [0, 3],
      killSignal: 'SIGTERM',
      killTimeout: 100,
      shutdownWithMessage: true,
      listenTimeout: 800,
      waitReady: true,
    });
  });
});

describe('names', () => {
  it('takes the name from the script without its extension', () => {
    expect(build({ script: '/srv/worker.mjs' }).name).toBe('worker');
    expect(build({ script: '/srv/app.test.js' }).name).toBe('app.test');
  });

  it('makes a usable name from a script whose name could not be one', () => {
    expect(defaultAppName('/srv/12.js')).toBe('app-12');
    expect(defaultAppName('/srv/all.js')).toBe('app-all');
    expect(defaultAppName('/srv/my app.js')).toBe('my-app');
    expect(build({ script: '/srv/12.js' }).name).toBe('app-12');
  });

  it('rejects a bad --name', () => {
    expect(usageError(() => build({ name: 'all' })).message).toMatch(/^--name /);
    usageError(() => build({ name: 'a/b' }));
  });
});

describe('interpreters', () => {
  it.each([
    ['/srv/a.js', 'node'],
    ['/srv/a.mjs', 'node'],
    ['/srv/a.cjs', 'node'],
    ['/srv/a.py', 'python3'],
    ['/srv/a.sh', 'bash'],
    ['/srv/a.PY', 'python3'],
    ['/srv/a', 'node'],
  ])('%s runs with %s', (script, interpreter) => {
    expect(interpreterFor(script)).toBe(interpreter);
    expect(build({ script }).interpreter).toBe(interpreter);
  });

  it('an explicit interpreter wins', () => {
    expect(build({ script: '/srv/a.py', interpreter: 'python3.12' }).interpreter).toBe('python3.12');
  });

  it('knows node by name or path', () => {
    expect(isNodeInterpreter('node')).toBe(true);
    expect(isNodeInterpreter('nodejs')).toBe(true);
    expect(isNodeInterpreter('/usr/local/bin/node')).toBe(true);
    expect(isNodeInterpreter('python3')).toBe(false);
    expect(isNodeInterpreter('none')).toBe(false);
  });
});

describe('exec mode and instances', () => {
  it('fork mode with one instance when -i is not given', () => {
    expect(build({})).toMatchObject({ execMode: 'fork', instances: 1 });
  });

  it('cluster mode when instances are given for a Node script', () => {
    expect(build({ instances: 3 })).toMatchObject({ execMode: 'cluster', instances: 3 });
    expect(build({ script: '/srv/a.mjs', instances: 1 })).toMatchObject({ execMode: 'cluster', instances: 1 });
    expect(build({ execMode: 'cluster' })).toMatchObject({ execMode: 'cluster', instances: 1 });
  });

  it('resolves max and -N against the CPUs it is given', () => {
    expect(build({ instances: 0 }, 8)).toMatchObject({ execMode: 'cluster', instances: 8 });
    expect(build({ instances: -1 }, 8)).toMatchObject({ execMode: 'cluster', instances: 7 });
    expect(build({ instances: -20 }, 8).instances).toBe(1);
    expect(build({ instances: 5 }, 8).instances).toBe(5);
  });

  it('-x fork wins over -i', () => {
    expect(build({ instances: 3, execMode: 'fork' })).toMatchObject({ execMode: 'fork', instances: 3 });
  });

  it('runs other interpreters in fork mode even with instances', () => {
    expect(build({ script: '/srv/a.py', instances: 2 })).toMatchObject({ execMode: 'fork', instances: 2 });
    expect(build({ script: '/srv/a.sh', instances: 0 }, 4)).toMatchObject({ execMode: 'fork', instances: 4 });
    expect(build({ interpreter: 'none', instances: 2 }).execMode).toBe('fork');
  });

  it('rejects -x cluster for a script that is not Node, and says how to fix it', () => {
    const error = usageError(() => build({ script: '/srv/a.py', execMode: 'cluster' }));
    expect(error.message).toContain('python3');
    expect(error.message).toContain('-x cluster');
  });
});

describe('bad shapes from the wire', () => {
  it.each(['server.js', './server.js', '', undefined, 42])('rejects the script %j: not an absolute path', (script) => {
    expect(usageError(() => build({ script: script as string })).message).toContain('absolute path');
  });

  it.each([
    'maxRestarts',
    'minUptime',
    'restartDelay',
    'expBackoffRestartDelay',
    'killTimeout',
    'listenTimeout',
  ])('rejects a negative, fractional or non-number %s', (key) => {
    for (const value of [-1, 1.5, '100', Number.NaN, Number.POSITIVE_INFINITY]) {
      expect(usageError(() => build({ [key]: value })).message).toContain(key);
    }
    expect(build({ [key]: 0 })[key as 'killTimeout']).toBe(0);
  });

  it('rejects more than 1024 instances, as sent by a hand-written client', () => {
    for (const value of [1025, 1e9, 2147483647]) {
      expect(usageError(() => build({ instances: value })).message).toContain('at most 1024 instances');
    }
    expect(build({ instances: 1024 }).instances).toBe(1024);
  });

  it('rejects instances that are not whole numbers', () => {
    for (const value of [1.5, '4', Number.NaN]) {
      expect(usageError(() => build({ instances: value })).message).toContain('instances');
    }
  });

  it('rejects args and nodeArgs that are not lists of strings', () => {
    for (const value of [[1], ['a', null], 'a b', { 0: 'a' }]) {
      expect(usageError(() => build({ args: value })).message).toContain('args');
      expect(usageError(() => build({ nodeArgs: value })).message).toContain('nodeArgs');
    }
  });

  it('rejects an env that does not map names to strings', () => {
    for (const value of [{ PORT: 3000 }, 'PORT=3000', { A: null }]) {
      expect(usageError(() => build({ env: value })).message).toContain('env');
    }
  });
});

// checkShape says it checks "what a hand-written client could get wrong"; these fields reach the
// registry, the saved app list and spawn() unchecked today.
describe('more shapes a hand-written client could get wrong', () => {
  it.each([
    ['name', ['web']],
    ['interpreter', 5],
    ['interpreter', ''],
    ['cwd', 'relative/dir'],
    ['killSignal', 'NOPE'],
    ['stopExitCodes', ['0']],
    ['stopExitCodes', [256]],
    ['autorestart', 'no'],
    ['execMode', 'clustr'],
  ])('rejects %s = %j with E_USAGE', (key, value) => {
    usageError(() => build({ [key]: value }));
  });
});
