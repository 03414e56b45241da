import { describe, expect, it } from 'vitest';
import { isTsmUnit, stopTimeoutSeconds, systemdUnit, unitName } from '../../src/core/systemd-unit.js';

const base = { user: 'alice', tsmHome: '/home/alice/.tsm', node: '/usr/bin/node', runtime: '/opt/tsm/bin/tsm-runtime.js', killTimeoutsMs: [], scheduling: 'shared' as const };

describe('the systemd unit', () => {
  it('quotes paths as systemd reads them: spaces kept, % doubled, quotes and backslashes escaped', () => {
    const unit = systemdUnit({ ...base, tsmHome: '/srv/100% "tsm"', node: '/opt/my node/bin/node' });
    expect(unit).toContain('Environment="TSM_HOME=/srv/100%% \\"tsm\\""');
    expect(unit).toContain(
      'ExecStart="/opt/my node/bin/node" "--max-semi-space-size=2" "--jitless" "--no-expose-wasm" "/opt/tsm/bin/tsm-runtime.js" resurrect',
    );
  });

  it("gives the daemon the Node flags of the policy it will run", () => {
    const unit = systemdUnit({ ...base, scheduling: 'round-robin' });
    expect(unit).toContain('ExecStart="/usr/bin/node" "--max-semi-space-size=2" "/opt/tsm/bin/tsm-runtime.js" resurrect');
  });

  it('waits for the longest kill timeout plus a margin, at least the default one', () => {
    expect(stopTimeoutSeconds([])).toBe(20);
    expect(stopTimeoutSeconds([1600, 30_500])).toBe(46);
  });

  it('is recognised by its first line only', () => {
    expect(isTsmUnit(systemdUnit(base))).toBe(true);
    expect(isTsmUnit(`[Unit]\n${systemdUnit(base)}`)).toBe(false);
  });

  it('refuses a user name or a path systemd would misread', () => {
    expect(unitName('alice')).toBe('tsm-alice.service');
    expect(() => unitName('al ice')).toThrow(/not a user name/);
    expect(() => systemdUnit({ ...base, user: 'x\nExecStartPre=/bin/evil' })).toThrow(/not a user name/);
    expect(() => systemdUnit({ ...base, tsmHome: '/a\nb' })).toThrow(/line break/);
  });
});
