import { describe, expect, it } from 'vitest';
import { toStartInput } from '../../src/cli/start-input.js';
import type { EcosystemHost } from '../../src/core/ecosystem.js';
import { TsmError } from '../../src/core/errors.js';

/** The `tsm start` flags that match the ecosystem file's runtime fields, checked the same way. */
const host: EcosystemHost = {
  isFile: () => false,
  exists: (path) => path === '/srv/app/src' || path === '/data',
  which: () => null,
  cronProblem: (expression) => (expression.startsWith('99') ? 'Invalid value for minute: 99' : null),
};
const context = { cwd: '/srv/app', env: {}, scriptArgs: [], host };

function refused(flags: Parameters<typeof toStartInput>[1], message: RegExp): void {
  let error: unknown;
  try {
    toStartInput('server.js', flags, context);
  } catch (caught) {
    error = caught;
  }
  expect(error).toBeInstanceOf(TsmError);
  expect((error as TsmError).code).toBe('E_USAGE');
  expect((error as TsmError).message).toMatch(message);
}

describe('tsm start runtime flags', () => {
  it('map to the StartInput fields, paths resolved against the app cwd', () => {
    const input = toStartInput(
      'server.js',
      {
        maxMemoryRestart: '300M',
        watch: ['src', '/data'],
        ignoreWatch: ['*.log'],
        watchDelay: '2s',
        cronRestart: '*/5 * * * * *',
        instanceVar: 'INSTANCE_ID',
        incrementVar: 'PORT',
        pid: 'run/app.pid',
        autostart: false,
        namespace: 'backend',
      },
      context,
    );
    expect(input).toMatchObject({
      maxMemoryRestart: 300 * 1024 * 1024,
      watch: ['/srv/app/src', '/data'],
      ignoreWatch: ['*.log'],
      watchDelay: 2000,
      cronRestart: '*/5 * * * * *',
      instanceVar: 'INSTANCE_ID',
      incrementVar: 'PORT',
      pidFile: '/srv/app/run/app.pid',
      autostart: false,
      namespace: 'backend',
    });
  });

  it('read --watch alone as the cwd, --cron as --cron-restart, and 0 as no schedule', () => {
    expect(toStartInput('server.js', { watch: true, cron: '0 3 * * *' }, context)).toMatchObject({ watch: true, cronRestart: '0 3 * * *' });
    expect(toStartInput('server.js', { cronRestart: '0' }, context)).not.toHaveProperty('cronRestart');
    expect(toStartInput('server.js', { autostart: true }, context)).not.toHaveProperty('autostart');
  });

  it('refuse bad values, naming the flag', () => {
    refused({ maxMemoryRestart: 'G' }, /^--max-memory-restart G: expected a memory size/);
    refused({ cronRestart: '99 * * * *' }, /^--cron-restart "99 \* \* \* \*": not a valid cron expression: Invalid value for minute: 99/);
    refused({ cron: '* *' }, /^--cron "\* \*": a cron expression has 5 fields/);
    refused({ watch: ['nope'] }, /^--watch nope: \/srv\/app\/nope does not exist/);
    refused({ watchDelay: 'later' }, /^--watch-delay later/);
    refused({ instanceVar: 'A-B' }, /^--instance-var "A-B"/);
    refused({ namespace: '12' }, /^--namespace "12"/);
    refused({ pid: ' ' }, /^--pid: expected a value/);
  });
});
