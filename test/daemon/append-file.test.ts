import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { AppendFile } from '../../src/daemon/logs/append-file.js';

let dir: string;
afterEach(() => rmSync(dir, { recursive: true, force: true }));

describe("the daemon's own log file", () => {
  it('rolls over to .1 past its size, keeping every line in one of the two files', () => {
    dir = mkdtempSync(join(tmpdir(), 'append-'));
    const path = join(dir, 'daemon.log');
    const file = new AppendFile(path, 100);
    for (let i = 0; i < 30; i += 1) file.write(`line ${String(i).padStart(2, '0')}\n`);
    const old = readFileSync(`${path}.1`, 'utf8');
    const current = readFileSync(path, 'utf8');
    expect(old.length).toBeGreaterThanOrEqual(100);
    expect(current.length).toBeLessThan(100 + 8);
    // The last rollover kept the newest lines; older ones beyond one file are gone, by design.
    const lines = (old + current).trim().split('\n');
    expect(lines.at(-1)).toBe('line 29');
    expect(lines).toEqual([...lines].sort());
  });

  it('counts what the file already held when it was opened', () => {
    dir = mkdtempSync(join(tmpdir(), 'append-'));
    const path = join(dir, 'daemon.log');
    new AppendFile(path, 1000).write(`${'x'.repeat(120)}\n`);
    new AppendFile(path, 100).write('next\n');
    expect(readFileSync(path, 'utf8')).toBe('next\n');
    expect(readFileSync(`${path}.1`, 'utf8')).toBe(`${'x'.repeat(120)}\n`);
  });
});
