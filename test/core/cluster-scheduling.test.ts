import { describe, expect, it } from 'vitest';
import { chooseScheduling, DEFAULT_SCHEDULING, parseSchedulingPolicy } from '../../src/core/cluster-scheduling.js';
import { defaultSettings, parseSettings, serializeSettings } from '../../src/core/settings.js';
import { TsmError } from '../../src/core/errors.js';
import { usageError } from '../helpers/usage-error.js';

describe('parseSchedulingPolicy', () => {
  it('reads the two policies', () => {
    expect(parseSchedulingPolicy('shared', 'x')).toBe('shared');
    expect(parseSchedulingPolicy('round-robin', 'x')).toBe('round-robin');
  });

  it.each([['rr'], ['none'], ['Shared'], [''], ['shared '], [1], [null], [undefined], [{}]])('refuses %j, naming both policies', (value) => {
    const error = usageError(() => parseSchedulingPolicy(value, 'TSM_CLUSTER_SCHEDULING'));
    expect(error.message).toMatch(/^TSM_CLUSTER_SCHEDULING .* is not a cluster scheduling policy\. Use 'shared' .* or 'round-robin'/);
  });

  it('keeps the message short whatever it was given', () => {
    expect(usageError(() => parseSchedulingPolicy('x'.repeat(10_000), 'it')).message.length).toBeLessThan(400);
  });
});

describe('chooseScheduling', () => {
  it('takes the variable over the saved setting, the setting over the default', () => {
    expect(chooseScheduling('round-robin', 'shared')).toEqual({ policy: 'round-robin', source: 'environment' });
    expect(chooseScheduling(undefined, 'round-robin')).toEqual({ policy: 'round-robin', source: 'setting' });
    expect(chooseScheduling('', 'round-robin')).toEqual({ policy: 'round-robin', source: 'setting' });
    expect(chooseScheduling(undefined, undefined)).toEqual({ policy: DEFAULT_SCHEDULING, source: 'default' });
  });

  it('is shared unless someone chooses otherwise (the connections benchmark)', () => {
    expect(DEFAULT_SCHEDULING).toBe('shared');
  });

  it('throws on a bad variable rather than guess', () => {
    expect(() => chooseScheduling('fast', 'shared')).toThrow(TsmError);
  });
});

describe('settings.json: cluster.scheduling', () => {
  it('is written only once chosen, and reads back', () => {
    expect(JSON.parse(serializeSettings(defaultSettings()))).not.toHaveProperty('cluster');
    const chosen = { ...defaultSettings(), cluster: { scheduling: 'round-robin' as const } };
    const text = serializeSettings(chosen);
    expect(JSON.parse(text)).toMatchObject({ version: 1, cluster: { scheduling: 'round-robin' } });
    expect(parseSettings(JSON.parse(text))).toEqual(chosen);
  });

  it('leaves the metrics setting alone, and the other way round', () => {
    expect(parseSettings({ version: 1, cluster: { scheduling: 'shared' } })).toEqual({ ...defaultSettings(), cluster: { scheduling: 'shared' } });
    expect(parseSettings({ version: 1, metrics: { enabled: true } }).cluster).toBeUndefined();
  });

  it.each([
    [{ version: 1, cluster: 'shared' }, 'cluster: expected an object'],
    [{ version: 1, cluster: [] }, 'cluster: expected an object'],
    [{ version: 1, cluster: {} }, 'cluster.scheduling: expected "shared" or "round-robin", got undefined'],
    [{ version: 1, cluster: { scheduling: 'rr' } }, 'cluster.scheduling: expected "shared" or "round-robin", got "rr"'],
  ])('refuses %j', (value, why) => {
    let error: unknown;
    try {
      parseSettings(value);
    } catch (caught) {
      error = caught;
    }
    expect((error as TsmError).code).toBe('E_SAVED_INVALID');
    expect((error as TsmError).message).toBe(`settings: ${why}`);
  });
});
