import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { readLastLines } from '../../src/cli/logs/read-tail.js';

const CHUNK = 64 * 1024;

let dir: string;
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'tsm-tail-'));
});
afterEach(() => {
  rmSync(dir, { recursive: true, force: true });
});

function file(content: string | Buffer, name = 'app.log'): string {
  const path = join(dir, name);
  writeFileSync(path, content);
  return path;
}

const numbered = (from: number, to: number, width = 0): string[] =>
  Array.from({ length: to - from + 1 }, (_, i) => `line ${String(from + i).padStart(width, '0')}`);

describe('readLastLines', () => {
  it('gives every line of a file with fewer lines than asked', async () => {
    expect(await readLastLines(file('one\ntwo\nthree\n'), 10)).toEqual(['one', 'two', 'three']);
  });

  it('gives exactly the last N lines', async () => {
    const path = file('one\ntwo\nthree\nfour\nfive\n');
    expect(await readLastLines(path, 5)).toEqual(['one', 'two', 'three', 'four', 'five']);
    expect(await readLastLines(path, 3)).toEqual(['three', 'four', 'five']);
    expect(await readLastLines(path, 1)).toEqual(['five']);
  });

  it('gives nothing for a count of 0', async () => {
    expect(await readLastLines(file('one\ntwo\n'), 0)).toEqual([]);
  });

  it('counts a last line without a final newline as a line', async () => {
    const path = file('one\ntwo\nthree');
    expect(await readLastLines(path, 2)).toEqual(['two', 'three']);
    expect(await readLastLines(path, 5)).toEqual(['one', 'two', 'three']);
    expect(await readLastLines(file('alone', 'single.log'), 3)).toEqual(['alone']);
  });

  it('strips the CR of CRLF line ends', async () => {
    const path = file('one\r\ntwo\r\nthree\r\n');
    expect(await readLastLines(path, 2)).toEqual(['two', 'three']);
    expect(await readLastLines(file('a\r\nb\r\nc', 'nofinal.log'), 3)).toEqual(['a', 'b', 'c']);
  });

  it('keeps empty lines in the middle of a file', async () => {
    expect(await readLastLines(file('one\n\n\ntwo\n'), 3)).toEqual(['', '', 'two']);
  });

  it('gives nothing for an empty file', async () => {
    expect(await readLastLines(file(''), 5)).toEqual([]);
  });

  it('gives nothing for a missing file', async () => {
    expect(await readLastLines(join(dir, 'missing.log'), 5)).toEqual([]);
    expect(await readLastLines(join(dir, 'no', 'such', 'folder.log'), 5)).toEqual([]);
  });

  it('joins a line that spans the 64 KB chunk boundary', async () => {
    // A 400-byte line whose middle sits on the cut at size - 64 KB, followed by 64 KB - 201
    // bytes of other lines (653 of 100 bytes and one of 35).
    const spanning = `spans ${'x'.repeat(394)}`;
    const after = [...Array.from({ length: 653 }, (_, i) => `${String(i).padStart(3, '0')}${'y'.repeat(96)}`), 'z'.repeat(34)];
    const content = `head line\n${spanning}\n${after.join('\n')}\n`;
    const start = content.indexOf('spans ');
    expect(content.length - CHUNK).toBe(start + 200); // the cut falls in the middle of `spanning`
    const path = file(content);
    expect(await readLastLines(path, after.length + 1)).toEqual([spanning, ...after]);
    expect(await readLastLines(path, after.length + 2)).toEqual(['head line', spanning, ...after]);
    expect(await readLastLines(path, after.length)).toEqual(after);
  });

  it('reads a line longer than a chunk whole', async () => {
    const long = 'z'.repeat(CHUNK * 2 + 17);
    expect(await readLastLines(file(`first\n${long}\nend\n`), 2)).toEqual([long, 'end']);
    expect(await readLastLines(file(`first\n${long}\nend\n`, 'b.log'), 3)).toEqual(['first', long, 'end']);
  });

  it('gives the right last lines of a multi-megabyte file', async () => {
    const lines = numbered(1, 300_000, 6); // ~3.6 MB
    const path = file(`${lines.join('\n')}\n`);
    expect(await readLastLines(path, 3)).toEqual(['line 299998', 'line 299999', 'line 300000']);
    const many = await readLastLines(path, 20_000); // spans several chunks
    expect(many).toHaveLength(20_000);
    expect(many).toEqual(lines.slice(-20_000));
  });

  it('keeps multi-byte characters whole across the chunk boundary', async () => {
    // Each line is 'é€😀' repeated: 2, 3 and 4 bytes, so some character straddles any cut.
    const line = 'é€😀'.repeat(1000); // 9000 bytes
    const lines = Array.from({ length: 20 }, (_, i) => `${i} ${line}`);
    const content = `${lines.join('\n')}\n`;
    expect(Buffer.byteLength(content)).toBeGreaterThan(CHUNK * 2);
    const path = file(content);
    for (const count of [1, 7, 8, 15, 20]) {
      const got = await readLastLines(path, count);
      expect(got).toEqual(lines.slice(-count));
      for (const text of got) expect(text).not.toContain('\uFFFD');
    }
  });

  it('keeps a character whole that straddles the boundary exactly', async () => {
    // Put a 4-byte character across the cut at size - CHUNK, one byte on the near side.
    const after = `${'a'.repeat(CHUNK - 3 - 1)}\n`; // the 3 bytes after the cut + this = CHUNK
    const before = 'b'.repeat(1000);
    const content = Buffer.concat([Buffer.from(`${before}😀`), Buffer.from(after)]);
    expect(content.length - CHUNK).toBe(Buffer.byteLength(before) + 1); // the cut is inside the emoji
    const got = await readLastLines(file(content), 1);
    expect(got).toEqual([`${before}😀${'a'.repeat(CHUNK - 4)}`]);
  });
});
