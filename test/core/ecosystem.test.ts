import { describe, expect, it } from 'vitest';
import { buildAppSpec } from '../../src/core/app-spec.js';
import { ecosystemInputs, isEcosystemFile } from '../../src/core/ecosystem.js';
import { TsmError } from '../../src/core/errors.js';

const options = { baseDir: '/srv/app', env: { PATH: '/usr/bin', PORT: '1' } };

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
    const { inputs, ignored } = ecosystemInputs(
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
            watch: true,
            ignore_watch: ['node_modules'],
          },
        ],
      },
      options,
    );
    expect(ignored).toEqual(['ignore_watch', 'watch']);
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
    fails({}, /at least one app/);
    fails({ apps: [] }, /at least one app/);
    fails({ apps: ['x'] }, /apps\[0\] must be an object/);
    fails({ apps: [{ name: 'a' }] }, /apps\[0\] \(a\): script is missing/);
    fails({ apps: [{ script: 'a.js', instances: 'abc' }] }, /apps\[0\]: instances abc/);
    fails({ apps: [{ script: 'a.js', exec_mode: 'swarm' }] }, /exec_mode swarm/);
    fails({ apps: [{ script: 'a.js', kill_timeout: 'soon' }] }, /kill_timeout soon/);
    fails({ apps: [{ script: 'a.js', autorestart: 'no' }] }, /autorestart must be true or false/);
    fails({ apps: [{ script: 'a.js', env: 'X=1' }] }, /env must be an object/);
    fails({ apps: [{ script: 'a.js', log_rotate_interval: '7h' }] }, /log_rotate_interval 7h/);
    fails({ apps: [{ name: 'a', script: 'a.js' }, { name: 'a', script: 'b.js' }] }, /two apps are named 'a'/);
  });
});

describe('isEcosystemFile', () => {
  it("knows PM2's names for app lists", () => {
    for (const name of ['ecosystem.config.js', 'ecosystem.config.cjs', 'pm2.config.mjs', 'apps.json', 'ecosystem.js', 'dir/ecosystem.config.js']) {
      expect(isEcosystemFile(name)).toBe(true);
    }
    for (const name of ['server.js', 'config.js', 'app.mjs', 'ecosystem']) expect(isEcosystemFile(name)).toBe(false);
  });
});
