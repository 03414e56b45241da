import { describe, expect, it } from 'vitest';
import { spawnSync } from 'node:child_process';
import { daemonArguments, daemonEnvironment } from '../../src/client/launch-daemon.js';
import { daemonNodeFlags, runsInterpreted } from '../../src/core/daemon-node-flags.js';
import { TsmError } from '../../src/core/errors.js';

describe('daemonArguments', () => {
  it("puts the daemon's Node flags before its entry, and the home after it", () => {
    const args = daemonArguments('/abs/home', 'shared');
    const flags = daemonNodeFlags('shared');
    expect(args.slice(0, flags.length)).toEqual(flags);
    const entry = args[flags.length]!;
    expect(entry).toMatch(/daemon[/\\]entry\.js$/);
    expect(args.slice(flags.length + 1)).toEqual(['--home', '/abs/home']);
  });

  it('runs the daemon interpreted unless it will deal out connections (round-robin)', () => {
    expect(daemonNodeFlags('shared')).toEqual(['--max-semi-space-size=2', '--jitless', '--no-expose-wasm']);
    expect(daemonNodeFlags('round-robin')).toEqual(['--max-semi-space-size=2']);
    expect(runsInterpreted(daemonNodeFlags('shared'))).toBe(true);
    expect(runsInterpreted(daemonNodeFlags('round-robin'))).toBe(false);
  });

  it.each(['shared', 'round-robin'] as const)('names flags this Node accepts, without a warning (%s)', (policy) => {
    // A flag Node does not know would stop every daemon from starting: node refuses to run.
    const run = spawnSync(process.execPath, [...daemonNodeFlags(policy), '-e', '0'], { encoding: 'utf8', env: { PATH: process.env['PATH'] } });
    expect(run.stderr).toBe('');
    expect(run.status).toBe(0);
  });
});

describe('daemonEnvironment', () => {
  it('keeps PATH, HOME, the locale and TZ, and sets TSM_HOME to the home it serves', () => {
    const env = daemonEnvironment(
      { PATH: '/usr/bin', HOME: '/root', LANG: 'C.UTF-8', LC_ALL: 'C', LC_TIME: 'en_GB', TZ: 'UTC', TSM_HOME: 'relative' },
      '/abs/home',
    );
    expect(env).toEqual({ PATH: '/usr/bin', HOME: '/root', LANG: 'C.UTF-8', LC_ALL: 'C', LC_TIME: 'en_GB', TZ: 'UTC', TSM_HOME: '/abs/home' });
  });

  it("drops what would change the daemon's Node or leak the shell into it", () => {
    const env = daemonEnvironment(
      {
        PATH: '/usr/bin',
        NODE_OPTIONS: '--require ./hook.js --inspect',
        NODE_EXTRA_CA_CERTS: '/etc/ca.pem',
        NODE_PATH: '/x',
        UV_THREADPOOL_SIZE: '64',
        npm_config_token: 'secret',
        AWS_SECRET_ACCESS_KEY: 'secret',
        PATHS: 'not PATH',
        MY_LC_ALL: 'not a locale',
      },
      '/h',
    );
    expect(env).toEqual({ PATH: '/usr/bin', TSM_HOME: '/h' });
  });

  it('passes a valid TSM_LOG_MODE on, and refuses another before anything starts', () => {
    expect(daemonEnvironment({ TSM_LOG_MODE: '0640' }, '/h')).toEqual({ TSM_LOG_MODE: '0640', TSM_HOME: '/h' });
    expect(() => daemonEnvironment({ TSM_LOG_MODE: '0777' }, '/h')).toThrow(TsmError);
  });

  it('passes a valid TSM_CLUSTER_SCHEDULING on, and refuses another (exit 2) before anything starts', () => {
    expect(daemonEnvironment({ TSM_CLUSTER_SCHEDULING: 'round-robin' }, '/h')).toEqual({ TSM_CLUSTER_SCHEDULING: 'round-robin', TSM_HOME: '/h' });
    expect(() => daemonEnvironment({ TSM_CLUSTER_SCHEDULING: 'rr' }, '/h')).toThrow(/TSM_CLUSTER_SCHEDULING 'rr' is not a cluster scheduling policy/);
  });
});
