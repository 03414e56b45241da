import { describe, expect, it } from 'vitest';
import { LineSplitter } from '../../src/core/line-splitter.js';

const LONE_SURROGATE = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/;

/** Pushes the chunks, then flushes as at exit, and returns every line seen. */
function split(chunks: string[], maxLineChars?: number, flush = true): string[] {
  const lines: string[] = [];
  const splitter = new LineSplitter((line) => lines.push(line), maxLineChars);
  for (const chunk of chunks) splitter.push(chunk);
  if (flush) splitter.flush();
  return lines;
}

describe('LineSplitter', () => {
  it('gives whole lines and keeps a partial line until it completes', () => {
    const lines: string[] = [];
    const splitter = new LineSplitter((line) => lines.push(line));
    splitter.push('hel');
    expect(lines).toEqual([]);
    splitter.push('lo\nwor');
    expect(lines).toEqual(['hello']);
    splitter.push('ld');
    expect(lines).toEqual(['hello']);
    splitter.push('\n');
    expect(lines).toEqual(['hello', 'world']);
  });

  it('joins a line split over many chunks, one character at a time', () => {
    expect(split([...'one\ntwo\n'])).toEqual(['one', 'two']);
  });

  it('strips CR of CRLF, also when CR and LF arrive in different chunks', () => {
    expect(split(['a\r\nb\r\n'])).toEqual(['a', 'b']);
    expect(split(['a\r', '\nb\r', '\n'])).toEqual(['a', 'b']);
  });

  it('keeps a CR that is not before a newline', () => {
    expect(split(['progress 10%\rprogress 20%\n'])).toEqual(['progress 10%\rprogress 20%']);
  });

  it('keeps empty lines', () => {
    expect(split(['a\n\nb\n'])).toEqual(['a', '', 'b']);
    expect(split(['\n', '\n'])).toEqual(['', '']);
    expect(split(['\r\n'])).toEqual(['']);
  });

  it('flushes a last line without a newline, once', () => {
    const lines: string[] = [];
    const splitter = new LineSplitter((line) => lines.push(line));
    splitter.push('a\nlast words');
    splitter.flush();
    splitter.flush();
    expect(lines).toEqual(['a', 'last words']);
  });

  it('a flush with nothing pending gives no line', () => {
    expect(split(['a\n'])).toEqual(['a']);
    expect(split([])).toEqual([]);
    expect(split(['x'], undefined, false)).toEqual([]);
  });

  it('gives many lines from one chunk, in order', () => {
    const text = Array.from({ length: 1000 }, (_, i) => `line ${i}\n`).join('');
    const lines = split([text]);
    expect(lines).toHaveLength(1000);
    expect(lines[0]).toBe('line 0');
    expect(lines[999]).toBe('line 999');
  });

  it('passes multi-byte characters through whole', () => {
    expect(split(['héllo wörld 日本語\n', '🚀 launch', ' ✓\n'])).toEqual(['héllo wörld 日本語', '🚀 launch ✓']);
  });

  it('cuts a line that grows past the maximum without a newline, so the buffer stays bounded', () => {
    expect(split(['abcdefghij'], 4)).toEqual(['abcd', 'efgh', 'ij']);
    expect(split(['abc', 'def', 'ghi', 'j\n'], 4)).toEqual(['abcd', 'efgh', 'ij']);
  });

  it('a line of exactly the maximum is not cut', () => {
    expect(split(['abcd\n'], 4)).toEqual(['abcd']);
    expect(split(['abcd', '\n'], 4)).toEqual(['abcd']);
  });

  it('the default maximum is 64 KiB characters', () => {
    const lines = split(['x'.repeat(64 * 1024 + 10)]);
    expect(lines.map((line) => line.length)).toEqual([64 * 1024, 10]);
  });

  // The pieces must not depend on how the pipe happened to chunk the output: the same bytes give
  // the same lines. Today a long line that ends inside one chunk is given whole.
  it('cuts a long line the same way whether or not its newline is in the same chunk', () => {
    expect(split(['abcdefghij\n'], 4)).toEqual(['abcd', 'efgh', 'ij']);
    expect(split(['abc', 'defghij\n'], 4)).toEqual(['abcd', 'efgh', 'ij']);
  });

  // A cut that falls between CR and LF leaves a lone '\r' as the partial line; the LF then makes
  // it an extra empty line.
  it('a CRLF right after a cut does not add an empty line', () => {
    expect(split(['abcd\r', '\n'], 4)).toEqual(['abcd']);
  });

  // Strings are UTF-16: a cut at maxLineChars can fall inside a surrogate pair (an emoji), and
  // both halves are then written as U+FFFD.
  it('a cut never splits a character in two', () => {
    const lines = split(['abc🚀def'], 4);
    expect(lines.join('')).toBe('abc🚀def');
    for (const line of lines) expect(line).not.toMatch(LONE_SURROGATE);
  });
});
