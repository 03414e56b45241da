import { mkdirSync, mkdtempSync, readdirSync, readFileSync, readlinkSync, rmSync, writeFileSync } from 'node:fs';
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

describe('FileWatch on a large tree', () => {
  it('watches folders, not files, and never enters node_modules; a folder created later is watched too', async () => {
    dir = mkdtempSync(join(tmpdir(), 'tsm-watch-'));
    for (let f = 0; f < 20; f += 1) {
      mkdirSync(join(dir, `d${f}`));
      for (let i = 0; i < 50; i += 1) writeFileSync(join(dir, `d${f}`, `f${i}.js`), '');
    }
    mkdirSync(join(dir, 'node_modules', 'big'), { recursive: true });
    const changes: string[] = [];
    watch = new FileWatch({ paths: [dir], ignore: [], ownFiles: [], delayMs: 100 }, (file) => changes.push(file), () => {});
    const inotify = (): number =>
      readFileSync(`/proc/${process.pid}/fdinfo/${inotifyFd()}`, 'utf8').split('\n').filter((line) => line.startsWith('inotify wd:')).length;
    // The root and its 20 folders: 21 watches for 1,000 files; node_modules is not one of them.
    await waitFor('the walk', () => inotify() === 21);
    mkdirSync(join(dir, 'later'));
    await waitFor('the new folder watched', () => inotify() === 22);
    await waitFor('its creation seen', () => changes.length === 1);
    writeFileSync(join(dir, 'later', 'x.js'), '1');
    await waitFor('a change inside it', () => changes.length === 2);
    expect(changes[1]).toBe(join(dir, 'later', 'x.js'));
  });
});

/** The inotify descriptor of this process (one per process: Node shares it among watchers). */
function inotifyFd(): string {
  for (const fd of readdirSync(`/proc/${process.pid}/fd`)) {
    try {
      if (readlinkSync(`/proc/${process.pid}/fd/${fd}`) === 'anon_inode:inotify') return fd;
    } catch {
      // closed meanwhile
    }
  }
  throw new Error('no inotify descriptor');
}
