import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { schedulingAtLaunch } from '../../src/client/scheduling-at-launch.js';

let dir: string;
let file: string;
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'tsm-sal-'));
  file = join(dir, 'settings.json');
});
afterEach(() => rmSync(dir, { recursive: true, force: true }));

describe('the policy a daemon launched now will run', () => {
  it('is the default without a settings file or variable', () => {
    expect(schedulingAtLaunch(file, undefined)).toBe('shared');
  });

  it('is the saved one, and the variable wins over it', () => {
    writeFileSync(file, JSON.stringify({ version: 1, cluster: { scheduling: 'round-robin' } }));
    expect(schedulingAtLaunch(file, undefined)).toBe('round-robin');
    expect(schedulingAtLaunch(file, '')).toBe('round-robin');
    expect(schedulingAtLaunch(file, 'shared')).toBe('shared');
  });

  it('is the default when the file cannot be used, as the daemon will decide', () => {
    writeFileSync(file, '{ not json');
    expect(schedulingAtLaunch(file, undefined)).toBe('shared');
    writeFileSync(file, JSON.stringify({ version: 1, cluster: { scheduling: 'fastest' } }));
    expect(schedulingAtLaunch(file, undefined)).toBe('shared');
  });
});
