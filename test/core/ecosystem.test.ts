import { describe, expect, it } from 'vitest';
import { buildAppSpec } from '../../src/core/app-spec.js';
import { ecosystemInputs, isEcosystemFile, type EcosystemHost } from '../../src/core/ecosystem.js';
import { TsmError } from '../../src/core/errors.js';

/** A machine where nothing exists except /srv/app/web/static, and every cron expression is fine. */
const host: EcosystemHost = {
  isFile: () => false,
  exists: (path) => path === '/srv/app/web/static',
  which: () => null,
  cronProblem: (expression) => (expression.includes('61') ? 'Invalid value for minute: 61' : null),
};
const options = { baseDir: '/srv/app', env: { PATH: '/usr/bin', PORT: '1' }, host };

function fails(config: unknown, message: string | RegExp): void {
  let error: unknown;
  try {
    ecosystemInputs(config, options);
  } catch (caught) {
    error = caught;
  }
  expect(error).toBeInstanceOf(TsmError);
  expect((error as TsmError).code).toBe('E_USAGE');
  expect((error as TsmError).message).toMatch(message);
}

describe('ecosystemInputs', () => {
  it("maps PM2's fields to what the flags would give", () => {
    const { inputs, notices } = ecosystemInputs(
      {
        apps: [
          {
            name: 'api',
            script: 'server.js',
            cwd: 'web',
            args: '--port 3000',
            node_args: '--max-old-space-size=512',
            instances: 'max',
            exec_mode: 'cluster_mode',
            env: { PORT: 3000 },
            max_restarts: 5,
            min_uptime: '2s',
            restart_delay: 100,
            exp_backoff_restart_delay: 200,
            stop_exit_codes: [0, 3],
            kill_timeout: 3000,
            kill_signal: 'SIGTERM',
            wait_ready: true,
            listen_timeout: 8000,
            out_file: 'logs/out.log',
            error_file: 'NULL',
            merge_logs: true,
            time: true,
            log_type: 'json',
            log_max_size: '1M',
            log_retain: 3,
            log_compress: true,
            log_rotate_interval: '1d',
            watch: 'static',
            ignore_watch: ['node_modules'],
          },
        ],
      },
      options,
    );
    expect(notices).toEqual([]);
    const [api] = inputs;
    expect(api).toMatchObject({
      name: 'api',
      script: '/srv/app/web/server.js',
      cwd: '/srv/app/web',
      args: ['--port', '3000'],
      nodeArgs: ['--max-old-space-size=512'],
      instances: 0,
      execMode: 'cluster',
      maxRestarts: 5,
      minUptime: 2000,
      restartDelay: 100,
      expBackoffRestartDelay: 200,
      stopExitCodes: [0, 3],
      killTimeout: 3000,
      killSignal: 'SIGTERM',
      waitReady: true,
      listenTimeout: 8000,
      watch: ['/srv/app/web/static'],
      ignoreWatch: ['node_modules'],
      logs: {
        out: '/srv/app/web/logs/out.log',
        err: 'NULL',
        merge: true,
        dateFormat: 'YYYY-MM-DDTHH:mm:ss',
        type: 'json',
        maxSize: 1024 * 1024,
        retain: 3,
        compress: true,
        interval: '1d',
      },
    });
    expect(api!.env).toEqual({ PATH: '/usr/bin', PORT: '3000' });
    // What the daemon builds from it is a valid spec.
    const spec = buildAppSpec(api!, 4);
    expect(spec.instances).toBe(4);
    expect(spec.logs.err).toBeNull();
  });

  it('merges env_<name> over env with an environment name, and takes a bare array', () => {
    const config = [{ script: 'a.js', env: { A: '1', B: '1' }, env_production: { B: '2' } }];
    expect(ecosystemInputs(config, { ...options, envName: 'production' }).inputs[0]!.env).toMatchObject({ A: '1', B: '2' });
    expect(ecosystemInputs(config, options).inputs[0]!.env).toMatchObject({ A: '1', B: '1' });
  });

  it('refuses bad files and bad fields, naming the app and the field', () => {
    fails({}, /no apps found: it is empty; expected `module.exports = \{ apps: \[/);
    fails({ deploy: { production: {} } }, /a deploy section alone starts nothing/);
    fails({ apps: [] }, /apps is empty/);
    fails({ apps: Array.from({ length: 1001 }, (_, i) => ({ script: `a${i}.js` })) }, /apps lists 1001 apps; at most 1000 per file/);
    fails(null, /the file holds null/);
    fails({ apps: ['x'] }, /apps\[0\] must be an object/);
    fails({ apps: [{ name: 'a' }] }, /apps\[0\] \(a\): script is missing/);
    fails({ apps: [{ script: 'a.js', instances: 'abc' }] }, /apps\[0\]: instances abc/);
    fails({ apps: [{ script: 'a.js', exec_mode: 'swarm' }] }, /exec_mode "swarm": expected cluster or fork/);
    fails({ apps: [{ script: 'a.js', kill_timeout: 'soon' }] }, /kill_timeout soon/);
    fails({ apps: [{ script: 'a.js', autorestart: 'no' }] }, /autorestart must be true or false/);
    fails({ apps: [{ script: 'a.js', env: 'X=1' }] }, /env must be an object/);
    fails({ apps: [{ script: 'a.js', log_rotate_interval: '7h' }] }, /log_rotate_interval 7h/);
    fails({ apps: [{ name: 'a', script: 'a.js' }, { name: 'a', script: 'b.js' }] }, /two apps are named 'a'/);
    fails([{ script: 'a.js' }, { script: 'lib/a.js' }], /two apps are named 'a'/);
    fails({ apps: [{ script: 'a.js', cmd: 'b.js' }] }, /script and cmd both give script, with different values/);
    fails({ apps: [{ script: 'a.js', args: '--name "open' }] }, /args --name "open: a " quote is not closed/);
    fails({ apps: [{ script: 'a.js', port: 'http' }] }, /port "http": expected a port number/);
  });

  it('refuses bad runtime values, naming the app and the field', () => {
    fails({ apps: [{ name: 'm', script: 'a.js', max_memory_restart: 'M' }] }, /apps\[0\] \(m\): max_memory_restart M: expected a memory size/);
    fails({ apps: [{ script: 'a.js', max_memory_restart: 'lots' }] }, /max_memory_restart lots/);
    fails({ apps: [{ script: 'a.js', max_memory_restart: true }] }, /max_memory_restart must be a size/);
    fails({ apps: [{ name: 'c', script: 'a.js', cron_restart: '61 * * * *' }] }, /apps\[0\] \(c\): cron_restart "61 \* \* \* \*": not a valid cron expression: Invalid value for minute: 61/);
    fails({ apps: [{ script: 'a.js', cron_restart: '* * *' }] }, /cron_restart "\* \* \*": a cron expression has 5 fields .* this one has 3/);
    fails({ apps: [{ name: 'w', script: 'a.js', watch: 'nope' }] }, /apps\[0\] \(w\): watch nope: \/srv\/app\/nope does not exist/);
    fails({ apps: [{ script: 'a.js', watch: 3 }] }, /watch 3: expected true, false, a path, or a list of paths/);
    fails({ apps: [{ script: 'a.js', watch_delay: 'soon' }] }, /watch_delay soon/);
    fails({ apps: [{ script: 'a.js', ignore_watch: [/x/] }] }, /ignore_watch must be a path or glob/);
    fails({ apps: [{ script: 'a.js', instance_var: 'MY VAR' }] }, /instance_var "MY VAR": expected a variable name/);
    fails({ apps: [{ script: 'a.js', increment_var: 3 }] }, /increment_var 3: expected a variable name/);
    fails({ apps: [{ script: 'a.js', autostart: 'no' }] }, /autostart must be true or false/);
    fails({ apps: [{ script: 'a.js', namespace: 'all' }] }, /namespace "all"/);
    fails({ apps: [{ script: 'a.js', name: 'a/b' }] }, /name "a\/b": a name must not/);
  });

  it('runs cluster mode for a non-Node program in fork mode with a warning, or refuses what cannot work', () => {
    const one = ecosystemInputs({ apps: [{ name: 'py', script: 'a.py', exec_mode: 'cluster' }] }, options);
    expect(one.inputs[0]!.execMode).toBe('fork');
    expect(one.notices).toEqual([
      "ecosystem file: apps[0] (py): exec_mode cluster: runs python3 /srv/app/a.py, which is not a Node script; started in fork mode instead (as PM2 does).",
    ]);
    const ports = ecosystemInputs({ apps: [{ script: 'a.py', exec_mode: 'cluster', instances: 2, increment_var: 'PORT' }] }, options);
    expect(ports.inputs[0]).toMatchObject({ execMode: 'fork', instances: 2, incrementVar: 'PORT' });
    fails(
      { apps: [{ name: 'py', script: 'a.py', exec_mode: 'cluster', instances: 4 }] },
      /apps\[0\] \(py\): exec_mode cluster: cluster mode runs Node scripts only, and this app runs python3 \/srv\/app\/a.py. Set exec_mode: "fork"/,
    );
    // A Node script in cluster mode is left alone.
    expect(ecosystemInputs({ apps: [{ script: 'a.js', exec_mode: 'cluster' }] }, options).notices).toEqual([]);
  });
});

describe('isEcosystemFile', () => {
  it("knows PM2's names for app lists", () => {
    for (const name of [
      'ecosystem.config.js',
      'ecosystem.config.cjs',
      'pm2.config.mjs',
      'apps.json',
      'ecosystem.js',
      'dir/ecosystem.config.js',
      'process.yml',
      'ecosystem.yaml',
      'pm2.json',
      'apps.json5',
      'Process.YML',
    ]) {
      expect(isEcosystemFile(name)).toBe(true);
    }
    for (const name of ['server.js', 'config.js', 'app.mjs', 'ecosystem', 'app.ts', 'notes.yml.bak']) expect(isEcosystemFile(name)).toBe(false);
  });
});
