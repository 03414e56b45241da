import { mkdirSync, mkdtempSync, readFileSync, rmdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { defaultSettings } from '../../src/core/settings.js';
import { SettingsStore } from '../../src/daemon/persist/settings-store.js';

let dir: string;
let file: string;
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'tsm-store-'));
  file = join(dir, 'settings.json');
});
afterEach(() => rmSync(dir, { recursive: true, force: true }));

describe('SettingsStore', () => {
  it('loads the file once, and a change to one setting keeps the others', async () => {
    writeFileSync(file, JSON.stringify({ version: 1, metrics: { enabled: true, address: '127.0.0.1:9300' } }));
    const store = new SettingsStore(file);
    expect(await store.load()).toBeNull();
    await store.update((current) => ({ ...current, cluster: { scheduling: 'round-robin' } }));
    await store.update((current) => ({ ...current, metrics: { ...current.metrics, enabled: false } }));
    expect(JSON.parse(readFileSync(file, 'utf8'))).toEqual({
      version: 1,
      metrics: { enabled: false, address: '127.0.0.1:9300' },
      cluster: { scheduling: 'round-robin' },
    });
    expect(store.current.cluster).toEqual({ scheduling: 'round-robin' });
  });

  it('applies changes asked at once one after the other, none lost', async () => {
    const store = new SettingsStore(file);
    await store.load();
    await Promise.all([
      store.update((current) => ({ ...current, cluster: { scheduling: 'round-robin' } })),
      store.update((current) => ({ ...current, metrics: { enabled: true, address: '127.0.0.1:9301' } })),
    ]);
    expect(JSON.parse(readFileSync(file, 'utf8'))).toMatchObject({ metrics: { enabled: true }, cluster: { scheduling: 'round-robin' } });
  });

  it('keeps the current value when the file cannot be written, and takes the next change', async () => {
    const store = new SettingsStore(file);
    await store.load();
    // A directory where the file goes: the rename over it fails, for root too.
    mkdirSync(file);
    await expect(store.update((current) => ({ ...current, cluster: { scheduling: 'round-robin' } }))).rejects.toMatchObject({ code: 'E_SAVE' });
    expect(store.current).toEqual(defaultSettings());
    rmdirSync(file);
    await store.update((current) => ({ ...current, cluster: { scheduling: 'shared' } }));
    expect(store.current.cluster).toEqual({ scheduling: 'shared' });
    expect(JSON.parse(readFileSync(file, 'utf8'))).toMatchObject({ cluster: { scheduling: 'shared' } });
  });
});
