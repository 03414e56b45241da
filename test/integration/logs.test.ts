import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, mkdirSync, readdirSync, readFileSync, renameSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { gunzipSync } from 'node:zlib';
import { afterEach, describe, expect, it } from 'vitest';
import { DaemonConnection } from '../../src/client/connection.js';
import { isAlive } from '../helpers/procs.js';
import { BIN, FIXTURES, TestHome } from '../helpers/tsm.js';
import { waitFor } from '../helpers/wait.js';

let home: TestHome;
let children: ChildProcess[] = [];
afterEach(async () => {
  // A `tsm logs` child still following is ended first, by its pid, so cleanup finds only the daemon's.
  for (const child of children) if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
  children = [];
  await home.cleanup();
});

/** A file's text, or '' while it does not exist. */
function read(path: string): string {
  return existsSync(path) ? readFileSync(path, 'utf8') : '';
}

/** The whole lines of a file: a last line still being written (no newline yet) is left out. */
function linesOf(path: string): string[] {
  const text = read(path);
  return text.split('\n').slice(0, -1);
}

function logFile(name: string): string {
  return join(home.paths.logsDir, name);
}

/** Waits until the file's text passes `check`, and returns that text. */
function waitForText(path: string, what: string, check: (text: string) => boolean, timeoutMs = 10_000): Promise<string> {
  return waitFor(
    `${path} to contain ${what}`,
    () => {
      const text = read(path);
      return check(text) ? text : null;
    },
    { timeoutMs },
  );
}

/** The numbers of the `tick <n>` lines of one instance, in file order. */
function ticks(lines: string[], instance = 0): number[] {
  return lines.flatMap((line) => {
    const match = new RegExp(`^tick (\\d+) i${instance}\\b`).exec(line);
    return match ? [Number(match[1])] : [];
  });
}

function consecutive(numbers: number[]): boolean {
  return numbers.every((n, i) => i === 0 || n === numbers[i - 1]! + 1);
}

/** A local `YYYY-MM-DDTHH:mm:ss` (or `YYYY-MM-DD`) written by the daemon, as epoch ms. */
function localTime(text: string): number {
  const [date, time = '00:00:00'] = text.split('T');
  const [y, mo, d] = date!.split('-').map(Number);
  const [h, mi, s] = time.split(':').map(Number);
  return new Date(y!, mo! - 1, d!, h!, mi!, s!).getTime();
}

function localDate(at: number): string {
  const date = new Date(at);
  const pad = (n: number) => String(n).padStart(2, '0');
  return `${date.getFullYear()}-${pad(date.getMonth() + 1)}-${pad(date.getDate())}`;
}

describe('log files', () => {
  it('splits output into lines end to end: partial writes, CRLF, a long line cut in pieces, a last line without newline', async () => {
    home = new TestHome();
    await home.ok(['start', 'lg-split.js', '--name', 'lgs', '--no-autorestart']);
    const long = '0123456789'.repeat(15_000);
    const out = await waitForText(logFile('lgs-out.log'), 'the last line', (text) => text.includes('no newline at exit'));
    const expected = ['partial line', 'crlf one', 'crlf two', 'crlf three', long.slice(0, 65_536), long.slice(65_536, 131_072), long.slice(131_072), 'no newline at exit'];
    expect(out.split('\n').map((line) => line.length)).toEqual([...expected.map((line) => line.length), 0]);
    expect(out).toBe(`${expected.join('\n')}\n`);
    expect(read(logFile('lgs-error.log'))).toBe('err and b\nerr c\n');
    const exit = await waitFor('the app to exit', async () => (await home.byName('lgs'))[0]!.lastExit);
    expect(exit).toMatchObject({ code: 0, signal: null });
  });

  it('writes stdout to <name>-out.log and stderr to <name>-error.log', async () => {
    home = new TestHome();
    await home.ok(['start', 'lg-lines.js', '--name', 'lgl']);
    const [app] = await home.byName('lgl');
    expect(app).toMatchObject({ outLog: logFile('lgl-out.log'), errLog: logFile('lgl-error.log'), combinedLog: null });
    await waitForText(logFile('lgl-out.log'), 'out 1..5', (text) => text.includes('out 5\n'));
    await waitForText(logFile('lgl-error.log'), 'err 1..3', (text) => text.includes('err 3\n'));
    expect(read(logFile('lgl-out.log'))).toBe('out 1\nout 2\nout 3\nout 4\nout 5\n');
    expect(read(logFile('lgl-error.log'))).toBe('err 1\nerr 2\nerr 3\n');
    expect(readdirSync(home.paths.logsDir).sort()).toEqual(['lgl-error.log', 'lgl-out.log']);
  });

  it('gives each cluster instance its own files, <name>-out-<id>.log', async () => {
    home = new TestHome();
    await home.ok(['start', 'lg-ticker.js', '-i', '2', '--name', 'lgk'], { env: { TOCK: '1' } });
    const workers = await home.byName('lgk');
    expect(workers.map((w) => [w.id, w.outLog, w.errLog])).toEqual([
      [0, logFile('lgk-out-0.log'), logFile('lgk-error-0.log')],
      [1, logFile('lgk-out-1.log'), logFile('lgk-error-1.log')],
    ]);
    for (const worker of workers) {
      const { id, instance, pid } = worker;
      await waitForText(logFile(`lgk-out-${id}.log`), 'tick 3', (text) => text.includes(`tick 3 i${instance}\n`));
      await waitForText(logFile(`lgk-error-${id}.log`), 'tock 3', (text) => text.includes(`tock 3 i${instance}\n`));
      const out = linesOf(logFile(`lgk-out-${id}.log`));
      expect(out[0]).toBe(`hello ${pid}`);
      for (const line of out.slice(1)) expect(line).toMatch(new RegExp(`^tick \\d+ i${instance}$`));
      expect(consecutive(ticks(out, instance))).toBe(true);
      for (const line of linesOf(logFile(`lgk-error-${id}.log`))) expect(line).toMatch(new RegExp(`^tock \\d+ i${instance}$`));
    }
    expect(existsSync(logFile('lgk-out.log'))).toBe(false);
    expect(existsSync(logFile('lgk-error.log'))).toBe(false);
  });

  it('--merge-logs writes both workers’ lines to one file, each line whole', async () => {
    home = new TestHome();
    // Long lines, written often by both workers, so torn or interleaved writes would show.
    await home.ok(['start', 'lg-ticker.js', '-i', '2', '--name', 'lgm', '--merge-logs'], { env: { PAD: '3000', TICK_MS: '5' } });
    const workers = await home.byName('lgm');
    expect(workers.map((w) => w.outLog)).toEqual([logFile('lgm-out.log'), logFile('lgm-out.log')]);
    expect(workers.map((w) => w.errLog)).toEqual([logFile('lgm-error.log'), logFile('lgm-error.log')]);
    await waitFor('50 lines of each worker in the merged file', () => {
      const lines = linesOf(logFile('lgm-out.log'));
      return ticks(lines, 0).length >= 50 && ticks(lines, 1).length >= 50;
    });
    await home.ok(['stop', 'lgm']);
    const lines = (await waitForText(logFile('lgm-out.log'), 'a last newline', (text) => text.endsWith('\n'))).split('\n').slice(0, -1);
    const whole = new RegExp(`^(hello \\d+|tick \\d+ i[01] x{3000})$`);
    const torn = lines.find((line) => !whole.test(line));
    expect(torn === undefined ? undefined : `${torn.slice(0, 60)}... (${torn.length} chars)`).toBeUndefined();
    for (const worker of workers) expect(lines).toContain(`hello ${worker.pid}`);
    for (const instance of [0, 1]) {
      const numbers = ticks(lines, instance);
      expect(numbers[0]).toBe(0);
      expect(consecutive(numbers)).toBe(true);
    }
    expect(readdirSync(home.paths.logsDir).sort()).toEqual(['lgm-error.log', 'lgm-out.log']);
    // tsm logs reads the shared file once, not once per worker.
    const printed = await home.ok(['logs', 'lgm', '--lines', '1', '--nostream', '--out']);
    expect(printed.stdout.split('\n').filter((line) => line.endsWith('(last 1 lines):'))).toEqual([`${logFile('lgm-out.log')} (last 1 lines):`]);
  });

  it('takes -o and -e relative to the app’s --cwd, creating a missing folder', async () => {
    home = new TestHome();
    const cwd = join(home.home, 'app');
    mkdirSync(cwd);
    await home.ok(['start', join(FIXTURES, 'lg-lines.js'), '--name', 'lgo', '--cwd', cwd, '-o', 'deep/er/out.log', '-e', 'err.log']);
    const [app] = await home.byName('lgo');
    expect(app).toMatchObject({ outLog: join(cwd, 'deep', 'er', 'out.log'), errLog: join(cwd, 'err.log') });
    await waitForText(join(cwd, 'deep', 'er', 'out.log'), 'out 1..5', (text) => text === 'out 1\nout 2\nout 3\nout 4\nout 5\n');
    await waitForText(join(cwd, 'err.log'), 'err 1..3', (text) => text === 'err 1\nerr 2\nerr 3\n');
    expect(existsSync(logFile('lgo-out.log'))).toBe(false);
    expect(existsSync(logFile('lgo-error.log'))).toBe(false);

    // In cluster mode each instance's file gets its id before the extension.
    await home.ok(['start', join(FIXTURES, 'lg-ticker.js'), '-i', '2', '--name', 'lgo2', '--cwd', cwd, '-o', 'cl/out.log']);
    const workers = await home.byName('lgo2');
    expect(workers.map((w) => w.outLog)).toEqual([join(cwd, 'cl', `out-${workers[0]!.id}.log`), join(cwd, 'cl', `out-${workers[1]!.id}.log`)]);
    for (const worker of workers) {
      await waitForText(worker.outLog!, 'tick 1', (text) => text.startsWith(`hello ${worker.pid}\n`) && text.includes(`tick 1 i${worker.instance}\n`));
    }
  });

  it('-l writes both streams to one more file, next to the per-stream files', async () => {
    home = new TestHome();
    const cwd = join(home.home, 'app');
    mkdirSync(cwd);
    await home.ok(['start', join(FIXTURES, 'lg-lines.js'), '--name', 'lgc', '--cwd', cwd, '-l', 'both.log']);
    const [app] = await home.byName('lgc');
    expect(app!.combinedLog).toBe(join(cwd, 'both.log'));
    await waitFor('8 lines in the combined file', () => linesOf(join(cwd, 'both.log')).length >= 8);
    const combined = linesOf(join(cwd, 'both.log'));
    expect([...combined].sort()).toEqual(['err 1', 'err 2', 'err 3', 'out 1', 'out 2', 'out 3', 'out 4', 'out 5']);
    expect(combined.filter((line) => line.startsWith('out'))).toEqual(['out 1', 'out 2', 'out 3', 'out 4', 'out 5']);
    expect(combined.filter((line) => line.startsWith('err'))).toEqual(['err 1', 'err 2', 'err 3']);
    await waitForText(logFile('lgc-out.log'), 'out 1..5', (text) => text === 'out 1\nout 2\nout 3\nout 4\nout 5\n');
    await waitForText(logFile('lgc-error.log'), 'err 1..3', (text) => text === 'err 1\nerr 2\nerr 3\n');
  });

  it('-o NULL leaves no out file while the error file still works; -e /dev/null likewise', async () => {
    home = new TestHome();
    await home.ok(['start', 'lg-lines.js', '--name', 'lgx', '-o', 'NULL']);
    await home.ok(['start', 'lg-lines.js', '--name', 'lgy', '-e', '/dev/null']);
    expect((await home.byName('lgx'))[0]).toMatchObject({ outLog: null, errLog: logFile('lgx-error.log') });
    expect((await home.byName('lgy'))[0]).toMatchObject({ outLog: logFile('lgy-out.log'), errLog: null });
    await waitForText(logFile('lgx-error.log'), 'err 1..3', (text) => text === 'err 1\nerr 2\nerr 3\n');
    await waitForText(logFile('lgy-out.log'), 'out 1..5', (text) => text === 'out 1\nout 2\nout 3\nout 4\nout 5\n');
    // Both apps have printed everything: no file appeared for the streams turned off.
    expect(readdirSync(home.paths.logsDir).sort()).toEqual(['lgx-error.log', 'lgy-out.log']);
    expect(existsSync(join(FIXTURES, 'NULL'))).toBe(false);
  });

  it('--time puts a local timestamp in front of the lines of both streams', async () => {
    home = new TestHome();
    const before = Date.now();
    await home.ok(['start', 'lg-lines.js', '--name', 'lgt', '--time']);
    await waitFor('all lines', () => linesOf(logFile('lgt-out.log')).length === 5 && linesOf(logFile('lgt-error.log')).length === 3);
    const after = Date.now();
    const all = [...linesOf(logFile('lgt-out.log')), ...linesOf(logFile('lgt-error.log'))];
    expect(all.map((line) => line.replace(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d: /, ''))).toEqual([
      'out 1', 'out 2', 'out 3', 'out 4', 'out 5', 'err 1', 'err 2', 'err 3',
    ]);
    for (const line of all) {
      const at = localTime(line.slice(0, 19));
      expect(at).toBeGreaterThanOrEqual(Math.floor(before / 1000) * 1000);
      expect(at).toBeLessThanOrEqual(after);
    }
  });

  it('--log-date-format "YYYY-MM-DD" sets the timestamp format', async () => {
    home = new TestHome();
    const before = Date.now();
    await home.ok(['start', 'lg-lines.js', '--name', 'lgd', '--log-date-format', 'YYYY-MM-DD']);
    await waitFor('all lines', () => linesOf(logFile('lgd-out.log')).length === 5 && linesOf(logFile('lgd-error.log')).length === 3);
    const days = new Set([localDate(before), localDate(Date.now())]);
    for (const [file, stream, count] of [['lgd-out.log', 'out', 5], ['lgd-error.log', 'err', 3]] as const) {
      const lines = linesOf(logFile(file));
      expect(lines.map((line) => line.slice(12))).toEqual(Array.from({ length: count }, (_, i) => `${stream} ${i + 1}`));
      for (const line of lines) {
        expect(line).toMatch(/^\d{4}-\d\d-\d\d: /);
        expect(days.has(line.slice(0, 10))).toBe(true);
      }
    }
  });

  it('--log-type json writes one object per line with message, timestamp, type, app_name and process_id', async () => {
    home = new TestHome();
    await home.ok(['start', 'idle.js', '--name', 'first']); // so the app's id is not 0
    const before = Date.now();
    await home.ok(['start', 'lg-lines.js', '--name', 'lgj', '--log-type', 'json']);
    const [app] = await home.byName('lgj');
    expect(app!.id).toBe(1);
    await waitFor('all lines', () => linesOf(logFile('lgj-out.log')).length === 5 && linesOf(logFile('lgj-error.log')).length === 3);
    const after = Date.now();
    for (const [file, stream, count] of [['lgj-out.log', 'out', 5], ['lgj-error.log', 'err', 3]] as const) {
      const objects = linesOf(logFile(file)).map((line) => JSON.parse(line) as Record<string, unknown>);
      expect(objects.map((o) => ({ ...o, timestamp: typeof o['timestamp'] }))).toEqual(
        Array.from({ length: count }, (_, i) => ({
          message: `${stream} ${i + 1}`,
          timestamp: 'string',
          type: stream,
          app_name: 'lgj',
          process_id: 1,
        })),
      );
      for (const o of objects) {
        const at = Date.parse(o['timestamp'] as string);
        expect(o['timestamp']).toBe(new Date(at).toISOString());
        expect(at).toBeGreaterThanOrEqual(before);
        expect(at).toBeLessThanOrEqual(after);
      }
    }
  });
});

describe('rotation', () => {
  const COUNT = 3000; // lines of 50 bytes: 150 KB, about 15 files of 10 KB
  const numberLine = (n: number) => `line ${String(n).padStart(6, '0')} ${'.'.repeat(37)}`;
  const everyLine = `${Array.from({ length: COUNT }, (_, i) => numberLine(i + 1)).join('\n')}\ndone\n`;

  /** The rotated files of `base` (name.log.1, .2... or .gz), oldest first, and any other file. */
  function filesOf(base: string) {
    const names = readdirSync(home.paths.logsDir).filter((name) => name.startsWith(base));
    const index = (name: string) => Number(/\.log\.(\d+)(\.gz)?$/.exec(name)?.[1] ?? 0);
    const rotated = names.filter((name) => index(name) > 0).sort((a, b) => index(b) - index(a));
    const others = names.filter((name) => name !== base && index(name) === 0);
    return { rotated, others };
  }

  function textOf(name: string): string {
    const path = logFile(name);
    return name.endsWith('.gz') ? gunzipSync(readFileSync(path)).toString('utf8') : readFileSync(path, 'utf8');
  }

  /**
   * The texts of the rotated files (oldest first) and of the current file, read between two
   * rotations: the same files under the same names before and after reading; else null.
   */
  function readBetweenRotations(base: string): { rotated: string[]; current: string } | null {
    const names = () => [...filesOf(base).rotated, base].filter((name) => existsSync(logFile(name)));
    const identity = () => names().map((name) => `${name}:${statSync(logFile(name)).ino}`).join();
    const before = identity();
    const { rotated } = filesOf(base);
    const texts = { rotated: rotated.map(textOf), current: read(logFile(base)) };
    return identity() === before ? texts : null;
  }

  /**
   * Everything written, oldest first, once the last write's rotation (if any) is over: `done` is
   * in the current file below the size limit, or in .1 with the current file absent or empty.
   */
  function settledText(base: string, maxSize: number): string | null {
    const texts = readBetweenRotations(base);
    if (!texts) return null;
    const { rotated, current } = texts;
    const settled =
      (current.endsWith('done\n') && Buffer.byteLength(current) < maxSize) ||
      (current === '' && (rotated[rotated.length - 1] ?? '').endsWith('done\n'));
    return settled ? rotated.join('') + current : null;
  }

  it('--log-max-size 10K --log-retain 3 keeps the current file and at most 3 rotated ones', async () => {
    home = new TestHome();
    const count = 20_000; // 1 MB: many more rotations than files kept
    await home.ok(['start', 'lg-numbers.js', '--name', 'lgn', '--log-max-size', '10K', '--log-retain', '3'], { env: { COUNT: String(count) } });
    const text = await waitFor('the numbered lines to be written and rotated', () => settledText('lgn-out.log', 10 * 1024));
    const { rotated, others } = filesOf('lgn-out.log');
    expect(rotated).toEqual(['lgn-out.log.3', 'lgn-out.log.2', 'lgn-out.log.1']);
    expect(others).toEqual([]);
    // What is kept is the newest part of the output: whole lines, none lost between the files.
    expect(text.endsWith('done\n')).toBe(true);
    const kept = text.split('\n').slice(0, -2);
    const first = Number(kept[0]!.slice(5, 11));
    expect(first).toBeGreaterThan(1);
    expect(kept).toEqual(Array.from({ length: count - first + 1 }, (_, i) => numberLine(first + i)));
    for (const name of rotated) {
      expect(statSync(logFile(name)).size).toBeGreaterThanOrEqual(10 * 1024);
      expect(textOf(name).endsWith('\n')).toBe(true);
    }
  });

  it('keeps every line exactly once, in order, across the rotated files when retain is large enough', async () => {
    home = new TestHome();
    await home.ok(['start', 'lg-numbers.js', '--name', 'lgr', '--log-max-size', '10K', '--log-retain', '100'], { env: { COUNT: String(COUNT) } });
    const text = await waitFor('the numbered lines to be written and rotated', () => settledText('lgr-out.log', 10 * 1024));
    const { rotated, others } = filesOf('lgr-out.log');
    expect(rotated.length).toBeGreaterThanOrEqual(2);
    expect(rotated.length).toBeLessThanOrEqual(15);
    expect(rotated[rotated.length - 1]).toBe('lgr-out.log.1');
    expect(rotated[0]).toBe(`lgr-out.log.${rotated.length}`);
    expect(others).toEqual([]);
    expect(text.length).toBe(everyLine.length);
    expect(text === everyLine).toBe(true);
  });

  it('rotates near --log-max-size: a rotated file holds less than twice the limit', async () => {
    home = new TestHome();
    await home.ok(['start', 'lg-numbers.js', '--name', 'lgs', '--log-max-size', '10K', '--log-retain', '100'], { env: { COUNT: String(COUNT) } });
    await waitFor('the numbered lines to be written and rotated', () => settledText('lgs-out.log', 10 * 1024));
    const sizes = Object.fromEntries(filesOf('lgs-out.log').rotated.map((name) => [name, statSync(logFile(name)).size]));
    // The write that crosses the limit rotates the file: it may pass 10 KB by one write, not by 50 KB.
    expect(Object.values(sizes).filter((size) => size >= 2 * 10 * 1024), JSON.stringify(sizes)).toEqual([]);
  });

  it('--log-compress gzips rotated files, which hold whole lines', async () => {
    home = new TestHome();
    await home.ok(
      ['start', 'lg-numbers.js', '--name', 'lgz', '--log-max-size', '10K', '--log-retain', '100', '--log-compress'],
      { env: { COUNT: String(COUNT) } },
    );
    const text = await waitFor('the numbered lines to be written, rotated and compressed', () => settledText('lgz-out.log', 10 * 1024));
    const { rotated, others } = filesOf('lgz-out.log');
    expect(rotated.length).toBeGreaterThanOrEqual(2);
    expect(rotated.every((name) => /^lgz-out\.log\.\d+\.gz$/.test(name))).toBe(true);
    expect(others).toEqual([]);
    for (const name of rotated) {
      const lines = textOf(name);
      expect(lines.endsWith('\n')).toBe(true);
      for (const line of lines.replace(/\n$/, '').split('\n')) expect(line).toMatch(/^(line \d{6} \.{37}|done)$/);
      expect(statSync(logFile(name)).size).toBeLessThan(Buffer.byteLength(lines)); // compressed indeed
    }
    expect(text === everyLine).toBe(true);
  });

  it('--log-rotate-interval 1s also rotates on the clock, keeping whole lines', async () => {
    home = new TestHome();
    await home.ok(['start', 'lg-ticker.js', '--name', 'lgi', '--log-rotate-interval', '1s', '--log-retain', '100']);
    await waitFor('two rotations', () => existsSync(logFile('lgi-out.log.2')), { timeoutMs: 5000 });
    const texts = await waitFor('a read between two rotations', () => readBetweenRotations('lgi-out.log'));
    expect(texts.rotated.length).toBeGreaterThanOrEqual(2);
    expect(filesOf('lgi-out.log').others).toEqual([]);
    const lines = [...texts.rotated, texts.current].flatMap((text) => text.split('\n').slice(0, -1));
    expect(lines[0]).toMatch(/^hello \d+$/);
    expect(lines.slice(1).every((line) => /^tick \d+ i0$/.test(line))).toBe(true);
    expect(ticks(lines)[0]).toBe(0);
    expect(consecutive(ticks(lines))).toBe(true);
  });
});

describe('flush and reopen', () => {
  it('tsm flush <app> empties the app’s files while it keeps running; new lines land after', async () => {
    home = new TestHome();
    await home.ok(['start', 'lg-ticker.js', '--name', 'lgf'], { env: { TOCK: '1' } });
    await home.ok(['start', 'lg-lines.js', '--name', 'other']);
    const [app] = await home.byName('lgf');
    const out = logFile('lgf-out.log');
    const err = logFile('lgf-error.log');
    await waitForText(out, 'tick 5', (text) => text.includes('tick 5 i0\n'));
    await waitForText(logFile('other-out.log'), 'out 5', (text) => text.includes('out 5\n'));
    const seen = Math.max(...ticks(linesOf(out)));

    const flushed = await home.ok(['flush', 'lgf']);
    expect(flushed.stdout.split('\n').filter(Boolean).sort()).toEqual([err, out]);
    expect(flushed.stderr).toContain('flushed 2 log file(s)');

    await waitFor('new ticks after the flush', () => ticks(linesOf(out)).length >= 5 && linesOf(err).length >= 5);
    const after = linesOf(out);
    expect(after.every((line) => /^tick \d+ i0$/.test(line))).toBe(true); // the hello line and old ticks are gone
    const numbers = ticks(after);
    expect(numbers[0]).toBeGreaterThan(seen);
    expect(consecutive(numbers)).toBe(true);
    expect(read(out)).not.toContain('\0');
    expect(linesOf(err).every((line) => /^tock \d+ i0$/.test(line))).toBe(true);
    expect(Number(/^tock (\d+)/.exec(linesOf(err)[0]!)![1])).toBeGreaterThan(seen);
    // Still the same process, and the other app's file was left alone.
    const [still] = await home.byName('lgf');
    expect(still).toMatchObject({ pid: app!.pid, status: 'online', restarts: 0 });
    expect(read(logFile('other-out.log'))).toBe('out 1\nout 2\nout 3\nout 4\nout 5\n');
  });

  it('flushing while an app writes logs no failure, and lines written after the flushes all land', async () => {
    home = new TestHome();
    await home.ok(['start', 'lg-ticker.js', '--name', 'lgq'], { env: { TICK_MS: '1', PAD: '200' } });
    const out = logFile('lgq-out.log');
    await waitForText(out, 'tick 100', (text) => text.includes('tick 100 i0'));
    // Many flushes in a row over one connection, as a cron job or a script could send them: each
    // leaves a few milliseconds in which the app's next line arrives.
    const connection = await DaemonConnection.open({ socketPath: home.paths.socket, daemonLog: home.paths.daemonLog });
    try {
      for (let i = 0; i < 100; i += 1) expect((await connection.request('flush', { targets: ['lgq'] })).files).toHaveLength(2);
    } finally {
      connection.close();
    }
    const afterLast = Math.max(-1, ...ticks(linesOf(out)));
    await waitFor('200 more ticks after the flushes', () => Math.max(...ticks(linesOf(out))) > afterLast + 200);
    const numbers = ticks(linesOf(out));
    expect(consecutive(numbers.slice(numbers.indexOf(afterLast)))).toBe(true);
    const failures = linesOf(home.paths.daemonLog).filter((line) => /^\S+ (warn |error) /.test(line));
    expect(failures.length, failures.slice(0, 2).join('\n')).toBe(0);
  });

  /** Moves a-out.log away while `a` writes, runs `reopen`, and checks no line is lost or doubled. */
  async function movedAndReopened(reopen: () => Promise<void>): Promise<void> {
    await home.ok(['start', 'lg-ticker.js', '--name', 'a']);
    const out = logFile('a-out.log');
    const moved = `${out}.moved`;
    await waitForText(out, 'tick 3', (text) => text.includes('tick 3 i0\n'));
    renameSync(out, moved);
    await reopen();
    await waitFor('new ticks in a new a-out.log', () => ticks(linesOf(out)).length >= 3);
    const old = linesOf(moved);
    const fresh = linesOf(out);
    expect(old[0]).toMatch(/^hello \d+$/);
    expect(ticks(old)[0]).toBe(0);
    expect(old.slice(1).every((line) => /^tick \d+ i0$/.test(line))).toBe(true);
    expect(fresh.every((line) => /^tick \d+ i0$/.test(line))).toBe(true);
    // The moved file kept the old lines (and those written before the reopen); the new one goes on.
    expect(consecutive([...ticks(old), ...ticks(fresh)])).toBe(true);
    expect(ticks(fresh)[0]).toBeGreaterThan(3);
  }

  it('tsm reloadLogs reopens files moved away: new lines go to a new file, the moved one keeps the old', async () => {
    home = new TestHome();
    await movedAndReopened(async () => {
      // The daemon's own log is moved too, as a logrotate of the whole folder would.
      renameSync(home.paths.daemonLog, `${home.paths.daemonLog}.moved`);
      const result = await home.ok(['reloadLogs']);
      // a-out.log, a-error.log and daemon.log.
      expect(result.stderr).toContain('reopened 3 log file(s)');
      await waitForText(home.paths.daemonLog, 'a new daemon.log', (text) => text.includes('reopened 3 log file(s)'));
    });
  });

  it('SIGUSR2 to the daemon does the same as tsm reloadLogs', async () => {
    home = new TestHome();
    const pid = await home.daemonPid();
    await movedAndReopened(async () => {
      process.kill(pid, 'SIGUSR2');
      await waitForText(home.paths.daemonLog, 'the SIGUSR2 line', (text) => text.includes('SIGUSR2: reopened 3 log file(s)'));
    });
  });
});

describe('tsm logs', () => {
  /** Starts lg-lines.js as `lg` (a name shorter than the 3-character label width) and waits for its lines. */
  async function startLines(): Promise<{ out: string; err: string }> {
    await home.ok(['start', 'lg-lines.js', '--name', 'lg']);
    const out = logFile('lg-out.log');
    const err = logFile('lg-error.log');
    await waitForText(out, 'out 1..5', (text) => text.endsWith('out 5\n'));
    await waitForText(err, 'err 1..3', (text) => text.endsWith('err 3\n'));
    return { out, err };
  }

  it('--lines N --nostream prints each file’s last N lines under a header, tagged id|name', async () => {
    home = new TestHome();
    const { out, err } = await startLines();
    const result = await home.ok(['logs', 'lg', '--lines', '2', '--nostream']);
    expect(result.stdout).toBe(
      [`${out} (last 2 lines):`, '0|lg  | out 4', '0|lg  | out 5', `${err} (last 2 lines):`, '0|lg  | err 2', '0|lg  | err 3', ''].join('\n'),
    );
    const byId = await home.ok(['logs', '0', '--lines', '10', '--nostream']);
    expect(byId.stdout).toBe(
      [
        `${out} (last 10 lines):`,
        ...[1, 2, 3, 4, 5].map((i) => `0|lg  | out ${i}`),
        `${err} (last 10 lines):`,
        ...[1, 2, 3].map((i) => `0|lg  | err ${i}`),
        '',
      ].join('\n'),
    );
  });

  it('--raw prints bare lines, --json objects, --err and --out select the stream', async () => {
    home = new TestHome();
    await startLines();
    const raw = await home.ok(['logs', 'lg', '--lines', '2', '--nostream', '--raw']);
    expect(raw.stdout).toBe('out 4\nout 5\nerr 2\nerr 3\n');

    const json = await home.ok(['logs', 'lg', '--lines', '1', '--nostream', '--json']);
    expect(json.stdout.trim().split('\n').map((line) => JSON.parse(line))).toEqual([
      { id: 0, app: 'lg', stream: 'out', message: 'out 5' },
      { id: 0, app: 'lg', stream: 'err', message: 'err 3' },
    ]);

    const errOnly = await home.ok(['logs', 'lg', '--lines', '5', '--nostream', '--err', '--raw']);
    expect(errOnly.stdout).toBe('err 1\nerr 2\nerr 3\n');
    const outOnly = await home.ok(['logs', 'lg', '--lines', '3', '--nostream', '--out']);
    expect(outOnly.stdout).toBe(`${logFile('lg-out.log')} (last 3 lines):\n0|lg  | out 3\n0|lg  | out 4\n0|lg  | out 5\n`);
  });

  it('without an app prints every app and the daemon’s own log', async () => {
    home = new TestHome();
    await startLines();
    const result = await home.ok(['logs', '--lines', '100', '--nostream']);
    const lines = result.stdout.split('\n');
    expect(lines).toContain(`${logFile('lg-out.log')} (last 100 lines):`);
    expect(lines).toContain('0|lg  | out 5');
    expect(lines).toContain('0|lg  | err 3');
    const header = lines.indexOf(`${home.paths.daemonLog} (last 100 lines):`);
    expect(header).toBeGreaterThan(lines.indexOf('0|lg  | err 3'));
    const daemonLines = lines.slice(header + 1).filter(Boolean);
    expect(daemonLines.length).toBeGreaterThan(0);
    for (const line of daemonLines) expect(line).toMatch(/^tsm {3}\| \d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z (info |warn |error) /);
    expect(daemonLines.some((line) => /\| \S+ info {2}start lg: 1 fork process\(es\) of .*lg-lines\.js$/.test(line))).toBe(true);
  });

  it('an unknown app exits 1 and names it', async () => {
    home = new TestHome();
    await home.ok(['start', 'idle.js', '--name', 'known']);
    const result = await home.run(['logs', 'nope', '--nostream']);
    expect(result.code).toBe(1);
    expect(result.stdout).toBe('');
    expect(result.stderr).toContain("'nope'");
    expect(result.stderr).toContain('known');
    const following = await home.run(['logs', 'nope']);
    expect(following.code).toBe(1);
    expect(following.stderr).toContain("'nope'");
  });

  it('follows a live app, across a restart, until Ctrl-C ends it with exit code 0', async () => {
    home = new TestHome();
    // stdout only: the header of the (empty) error file is the last line printed before following.
    await home.ok(['start', 'lg-ticker.js', '--name', 'lgt']);
    await waitForText(logFile('lgt-out.log'), 'tick 2', (text) => text.includes('tick 2 i0\n'));
    const child = spawn(process.execPath, [BIN, 'logs', 'lgt', '--lines', '3'], { cwd: FIXTURES, env: home.env(), stdio: ['ignore', 'pipe', 'pipe'] });
    children.push(child);
    let stdout = '';
    let stderr = '';
    child.stdout!.setEncoding('utf8').on('data', (chunk: string) => (stdout += chunk));
    child.stderr!.setEncoding('utf8').on('data', (chunk: string) => (stderr += chunk));
    const exited = new Promise<{ code: number | null; signal: string | null }>((resolve) =>
      child.once('exit', (code, signal) => resolve({ code, signal })),
    );

    const errHeader = `${logFile('lgt-error.log')} (last 3 lines):\n`;
    await waitFor('the tail, then live lines', () => {
      const live = stdout.split(errHeader)[1];
      return live !== undefined && /^0\|lgt \| tick \d+ i0$/m.test(live);
    });
    const [tail, live] = stdout.split(errHeader) as [string, string];
    expect(tail.split('\n').slice(0, 4)).toEqual([
      `${logFile('lgt-out.log')} (last 3 lines):`,
      expect.stringMatching(/^0\|lgt \| tick \d+ i0$/),
      expect.stringMatching(/^0\|lgt \| tick \d+ i0$/),
      expect.stringMatching(/^0\|lgt \| tick \d+ i0$/),
    ]);
    const lastTailTick = Number(/tick (\d+) i0\n$/.exec(tail)![1]);
    const firstLiveTick = Number(/tick (\d+) i0/.exec(live)![1]);
    expect(firstLiveTick).toBeGreaterThan(lastTailTick);

    // The app restarted under a new pid is still followed.
    await home.ok(['restart', 'lgt']);
    const [restarted] = await home.byName('lgt');
    await waitFor('the restarted app’s hello', () => stdout.includes(`0|lgt | hello ${restarted!.pid}\n`));

    const sentAt = Date.now();
    child.kill('SIGINT');
    const { code, signal } = await exited;
    expect({ code, signal, stderr }).toEqual({ code: 0, signal: null, stderr: '' });
    expect(Date.now() - sentAt).toBeLessThan(3000);
    expect(isAlive(restarted!.pid!)).toBe(true); // ending the follower leaves the app alone
  });
});

describe('daemon log', () => {
  it('has timestamped lines for an app’s start, a crash with its exit code, and the restart', async () => {
    home = new TestHome();
    const before = Date.now();
    const marker = join(home.home, 'crashed-once');
    await home.ok(['start', 'lg-crash-once.js', '--name', 'lgc'], { env: { MARKER: marker } });
    await waitFor('the app to be back online after its crash', async () => {
      const [app] = await home.byName('lgc');
      return app!.status === 'online' && app!.restarts === 1;
    });
    const firstPid = Number(readFileSync(marker, 'utf8'));
    const [app] = await home.byName('lgc');
    await waitForText(logFile('lgc-out.log'), 'the second run', (text) => text.includes(`second run ${app!.pid}: staying up\n`));
    expect(read(logFile('lgc-error.log'))).toBe(`first run ${firstPid}: exiting with code 3\n`);

    const lines = linesOf(home.paths.daemonLog);
    const find = (pattern: RegExp) => lines.findIndex((line) => pattern.test(line));
    const start = find(/^\S+ info {2}start lgc: 1 fork process\(es\) of .*lg-crash-once\.js$/);
    const crash = find(/^\S+ warn {2}lgc \(id 0\) exited \(code 3\) after \d+ ms; restarting in \d+ ms$/);
    expect(start).toBeGreaterThanOrEqual(0);
    expect(crash).toBeGreaterThan(start);
    const stamps = [start, crash].map((i) => lines[i]!.split(' ')[0]!);
    for (const stamp of stamps) {
      expect(stamp).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/);
      expect(Date.parse(stamp)).toBeGreaterThanOrEqual(before);
      expect(Date.parse(stamp)).toBeLessThanOrEqual(Date.now());
    }
    expect(Date.parse(stamps[1]!)).toBeGreaterThanOrEqual(Date.parse(stamps[0]!));

    await home.ok(['restart', 'lgc']);
    const after = linesOf(home.paths.daemonLog).slice(lines.length);
    expect(after.some((line) => new RegExp(`^\\S+ info {2}stopped lgc \\(id 0\\) \\(signal SIGINT\\)$`).test(line))).toBe(true);
  });
});
