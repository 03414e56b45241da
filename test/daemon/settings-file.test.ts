import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { defaultSettings } from '../../src/core/settings.js';
import { loadSettings, saveSettings } from '../../src/daemon/persist/settings-file.js';

let dir: string;
let file: string;
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'tsm-settings-'));
  file = join(dir, 'settings.json');
});
afterEach(() => rmSync(dir, { recursive: true, force: true }));

describe('settings file', () => {
  it('is the defaults when missing, and reads back what was saved', async () => {
    expect(await loadSettings(file)).toEqual({ settings: defaultSettings(), problem: null });
    await saveSettings(file, { metrics: { enabled: true, address: '0.0.0.0:9300' } });
    expect(JSON.parse(readFileSync(file, 'utf8'))).toEqual({ version: 1, metrics: { enabled: true, address: '0.0.0.0:9300' } });
    expect(await loadSettings(file)).toEqual({ settings: { metrics: { enabled: true, address: '0.0.0.0:9300' } }, problem: null });
    expect(readdirSync(dir)).toEqual(['settings.json']); // no temporary file left behind
  });

  it.each([
    ['not JSON', '{"version": 1, "metrics": '],
    ['a bad address', '{"version": 1, "metrics": {"enabled": true, "address": "nowhere"}}'],
    ['another version', '{"version": 9}'],
  ])('sets aside a file with %s and takes the defaults', async (_what, text) => {
    writeFileSync(file, text);
    const loaded = await loadSettings(file, new Date('2026-01-02T03:04:05.678Z'));
    expect(loaded.settings).toEqual(defaultSettings());
    const aside = `${file}.corrupt-2026-01-02T03-04-05.678Z`;
    expect(loaded.problem).toContain(`set aside as ${aside}`);
    expect(readFileSync(aside, 'utf8')).toBe(text);
    expect(existsSync(file)).toBe(false);
  });
});
