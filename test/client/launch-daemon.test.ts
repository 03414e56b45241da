import { describe, expect, it } from 'vitest';
import { daemonEnvironment } from '../../src/client/launch-daemon.js';
import { TsmError } from '../../src/core/errors.js';

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
