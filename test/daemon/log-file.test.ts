import { existsSync, lstatSync, mkdtempSync, readdirSync, readFileSync, readlinkSync, rmSync, statSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { DEFAULT_ROTATION, type RotationSpec } from '../../src/core/log-spec.js';
import { LogFile } from '../../src/daemon/logs/log-file.js';
import { waitFor } from '../helpers/wait.js';

const PLAIN: RotationSpec = { maxSize: 0, retain: 0, compress: false, interval: null };

let dir: string;
let files: LogFile[] = [];
afterEach(async () => {
  await Promise.all(files.map((file) => file.close()));
  files = [];
  rmSync(dir, { recursive: true, force: true });
});

function logFile(path: string, rotation: RotationSpec, mode?: number): { file: LogFile; errors: Error[] } {
  const file = new LogFile(path, rotation, mode);
  const errors: Error[] = [];
  file.on('error', (error) => errors.push(error));
  files.push(file);
  return { file, errors };
}

/**
 * How many of this process's descriptors point at `path`. Checked at once, not waited for: a
 * leaked stream's descriptor is closed by the garbage collector some time later, which would
 * hide the leak from a test that waits.
 */
function fdsTo(path: string): number {
  return readdirSync('/proc/self/fd').filter((fd) => {
    try {
      return readlinkSync(`/proc/self/fd/${fd}`) === path;
    } catch {
      return false;
    }
  }).length;
}

function read(path: string): string {
  return existsSync(path) ? readFileSync(path, 'utf8') : '';
}

describe.each([
  ['without rotation', PLAIN],
  ['with rotation', DEFAULT_ROTATION],
])('a log file %s', (_label, rotation) => {
  it('is created 0600, or with the mode asked for', async () => {
    dir = mkdtempSync(join(tmpdir(), 'logfile-'));
    const { file } = logFile(join(dir, 'a.log'), rotation);
    const { file: shared } = logFile(join(dir, 'b.log'), rotation, 0o640);
    file.write('one\n');
    shared.write('two\n');
    await waitFor('both files written', () => read(join(dir, 'a.log')) === 'one\n' && read(join(dir, 'b.log')) === 'two\n');
    expect(statSync(join(dir, 'a.log')).mode & 0o777).toBe(0o600);
    expect(statSync(join(dir, 'b.log')).mode & 0o777).toBe(0o640);
  });

  it('is not opened through a symbolic link: the target is left alone and the file reports an error', async () => {
    dir = mkdtempSync(join(tmpdir(), 'logfile-'));
    const target = join(dir, 'precious');
    writeFileSync(target, 'keep me\n');
    symlinkSync(target, join(dir, 'a.log'));
    const { file, errors } = logFile(join(dir, 'a.log'), rotation);
    file.write('should not land\n');
    await waitFor('the error', () => errors.length > 0);
    expect(errors[0]!.message).toMatch(/a\.log: it is a symbolic link/);
    await file.flush();
    file.write('nor this\n');
    await file.close();
    expect(readFileSync(target, 'utf8')).toBe('keep me\n');
    expect(lstatSync(join(dir, 'a.log')).isSymbolicLink()).toBe(true);
  });

  // Two `tsm flush` at once used to open two new streams and keep one: a descriptor and a
  // stream leaked per overlap, until the garbage collector closed the file.
  it('flushed twenty times at once, opens one stream, leaks no descriptor and loses no later line', async () => {
    dir = mkdtempSync(join(tmpdir(), 'logfile-'));
    const path = join(dir, 'a.log');
    const { file, errors } = logFile(path, rotation);
    file.write('before\n');
    await waitFor('the first line', () => read(path) === 'before\n');
    const flushes: Array<Promise<void>> = [];
    for (let i = 0; i < 20; i += 1) {
      flushes.push(file.flush());
      file.write(`line ${i}\n`);
      if (i % 5 === 4) await new Promise((resolve) => setImmediate(resolve)); // some overlap a running flush
    }
    await Promise.all(flushes);
    file.write('after\n');
    const text = await waitFor('the last line', () => (read(path).endsWith('after\n') ? read(path) : null));
    // Each line is either cut by a flush that came after it, or in the file, in order, once.
    const lines = text.trim().split('\n');
    expect(lines.at(-1)).toBe('after');
    const numbers = lines.slice(0, -1).map((line) => Number(/^line (\d+)$/.exec(line)?.[1]));
    expect(numbers).toEqual(numbers.length === 0 ? [] : Array.from({ length: numbers.length }, (_, i) => 20 - numbers.length + i));
    // Every replaced stream closed its file before the next one opened.
    expect(fdsTo(path)).toBe(1);
    expect(errors).toEqual([]);
  });

  it('reopened and flushed in a crossfire, ends with one open file that gets the next lines', async () => {
    dir = mkdtempSync(join(tmpdir(), 'logfile-'));
    const path = join(dir, 'a.log');
    const { file, errors } = logFile(path, rotation);
    file.write('start\n');
    await waitFor('the first line', () => read(path) === 'start\n');
    await Promise.all([file.flush(), file.reopen(), file.flush(), file.reopen(), file.flush()]);
    file.write('end\n');
    await waitFor('the next line', () => read(path) === 'end\n');
    expect(fdsTo(path)).toBe(1);
    expect(errors).toEqual([]);
  });

  it('closed while a flush runs, stays closed: no stream is opened after the close', async () => {
    dir = mkdtempSync(join(tmpdir(), 'logfile-'));
    const path = join(dir, 'a.log');
    const { file, errors } = logFile(path, rotation);
    file.write('start\n');
    await waitFor('the first line', () => read(path) === 'start\n');
    const flushed = file.flush();
    const closed = file.close();
    const late = file.flush(); // the process exited: its file is cut by path
    await Promise.all([flushed, closed, late]);
    file.write('dropped\n');
    await new Promise((resolve) => setImmediate(resolve));
    expect(fdsTo(path)).toBe(0);
    expect(read(path)).toBe('');
    expect(errors).toEqual([]);
  });
});

describe('a rotating log file', () => {
  it('creates its rotated files 0600 too', async () => {
    dir = mkdtempSync(join(tmpdir(), 'logfile-'));
    const path = join(dir, 'a.log');
    const { file, errors } = logFile(path, { maxSize: 1000, retain: 3, compress: false, interval: null });
    for (let i = 0; i < 40; i += 1) {
      file.write(`${String(i).padStart(4, '0')} ${'x'.repeat(95)}\n`);
      await new Promise((resolve) => setImmediate(resolve));
    }
    await waitFor('a rotation', () => existsSync(`${path}.1`) && existsSync(`${path}.2`));
    for (const name of readdirSync(dir)) expect([name, statSync(join(dir, name)).mode & 0o777]).toEqual([name, 0o600]);
    expect(errors).toEqual([]);
  });
});
