import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { FileWatch } from '../../src/daemon/triggers/file-watch.js';
import { waitFor } from '../helpers/wait.js';

let dir: string;
let watch: FileWatch | null = null;
afterEach(() => {
  watch?.close();
  rmSync(dir, { recursive: true, force: true });
});

function watching(): string[] {
  dir = mkdtempSync(join(tmpdir(), 'tsm-watch-'));
  const changes: string[] = [];
  watch = new FileWatch({ paths: [dir], ignore: [], ownFiles: [], delayMs: 300 }, (file) => changes.push(file), () => {});
  return changes;
}

describe('FileWatch', () => {
  it('makes one call for a burst of changes, naming the first file, in new folders too', async () => {
    const changes = watching();
    mkdirSync(join(dir, 'lib'));
    for (let i = 0; i < 20; i += 1) writeFileSync(join(dir, 'lib', `f${i}.js`), String(i));
    await waitFor('the change', () => changes.length > 0);
    // A witness change well after the debounce: had the burst made more calls, they came first.
    writeFileSync(join(dir, 'witness.js'), 'x');
    await waitFor('the witness', () => changes.some((file) => file.endsWith('witness.js')));
    expect(changes).toHaveLength(2);
    expect(changes[0]).toBe(join(dir, 'lib'));
  });

  it("never counts node_modules, dot-folders, ignored names, or the app's own log files", async () => {
    dir = mkdtempSync(join(tmpdir(), 'tsm-watch-'));
    const own = join(dir, 'app-out.log');
    const changes: string[] = [];
    watch = new FileWatch({ paths: [dir], ignore: ['*.tmp', 'dist'], ownFiles: [own], delayMs: 100 }, (file) => changes.push(file), () => {});
    mkdirSync(join(dir, 'node_modules', 'x'), { recursive: true });
    mkdirSync(join(dir, '.git'));
    mkdirSync(join(dir, 'dist'));
    writeFileSync(join(dir, 'node_modules', 'x', 'index.js'), '1');
    writeFileSync(join(dir, '.git', 'HEAD'), '1');
    writeFileSync(join(dir, 'dist', 'out.js'), '1');
    writeFileSync(join(dir, 'scratch.tmp'), '1');
    writeFileSync(own, 'a line\n');
    writeFileSync(`${own}.1`, 'a rotated file\n');
    writeFileSync(join(dir, 'server.js'), 'changed');
    await waitFor('the change that counts', () => changes.length > 0);
    expect(changes).toEqual([join(dir, 'server.js')]);
  });
});
