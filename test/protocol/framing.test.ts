import { describe, expect, it } from 'vitest';
import { encodeFrame, FrameDecoder, type DecodeResult } from '../../src/protocol/framing.js';

function decoder(maxBytes = 1024): { push(...chunks: string[]): void; results: DecodeResult[] } {
  const results: DecodeResult[] = [];
  const d = new FrameDecoder(maxBytes, (result) => results.push(result));
  return {
    results,
    push: (...chunks) => {
      for (const chunk of chunks) d.push(Buffer.from(chunk));
    },
  };
}

const ok = (value: unknown): DecodeResult => ({ ok: true, value });

describe('FrameDecoder', () => {
  it('joins a frame split across chunks', () => {
    const d = decoder();
    d.push('{"id":1,"me', 'thod":"pi');
    expect(d.results).toEqual([]);
    d.push('ng"}\n');
    expect(d.results).toEqual([ok({ id: 1, method: 'ping' })]);
  });

  it('joins a frame pushed one byte at a time', () => {
    const d = decoder();
    d.push(...encodeFrame({ a: [1, 2, 3] }));
    expect(d.results).toEqual([ok({ a: [1, 2, 3] })]);
  });

  it('gives several frames from one chunk, in order, and keeps the partial last one', () => {
    const d = decoder();
    d.push('{"id":1}\n{"id":2}\n{"id":3}\n{"id"');
    expect(d.results).toEqual([ok({ id: 1 }), ok({ id: 2 }), ok({ id: 3 })]);
    d.push(':4}\n');
    expect(d.results).toHaveLength(4);
    expect(d.results[3]).toEqual(ok({ id: 4 }));
  });

  it('joins a multi-byte character split between chunks', () => {
    const results: DecodeResult[] = [];
    const d = new FrameDecoder(1024, (result) => results.push(result));
    const bytes = Buffer.from(encodeFrame({ text: 'héllo 🚀' }));
    const cut = bytes.indexOf(0xf0) + 2; // inside the four bytes of the rocket
    d.push(bytes.subarray(0, cut));
    d.push(bytes.subarray(cut));
    expect(results).toEqual([ok({ text: 'héllo 🚀' })]);
  });

  it('reports malformed JSON and still parses the next frame', () => {
    const d = decoder();
    d.push('{"id":1,}\n{"id":2}\n');
    expect(d.results).toHaveLength(2);
    expect(d.results[0]).toMatchObject({ ok: false });
    expect(d.results[0]!.ok === false && d.results[0]!.reason).toMatch(/^malformed JSON/);
    expect(d.results[1]).toEqual(ok({ id: 2 }));
  });

  it('reports an oversized frame once, drops it, and parses the next frame', () => {
    const d = decoder(16);
    d.push(`{"pad":"${'x'.repeat(10)}`, 'x'.repeat(10), 'x'.repeat(10), `"}\n{"id":2}\n`);
    expect(d.results).toHaveLength(2);
    expect(d.results[0]).toEqual({ ok: false, reason: 'frame larger than 16 bytes' });
    expect(d.results[1]).toEqual(ok({ id: 2 }));
  });

  it('reports an oversized frame that arrives in one chunk with its newline', () => {
    const d = decoder(16);
    d.push(`${encodeFrame({ pad: 'x'.repeat(40) })}{"id":2}\n`);
    expect(d.results).toEqual([{ ok: false, reason: 'frame larger than 16 bytes' }, ok({ id: 2 })]);
  });

  it('accepts a frame of exactly the maximum size', () => {
    const frame = JSON.stringify({ p: 'x'.repeat(10) });
    const d = decoder(Buffer.byteLength(frame));
    d.push(`${frame}\n`);
    expect(d.results).toEqual([ok({ p: 'x'.repeat(10) })]);
  });

  it('ignores blank lines', () => {
    const d = decoder();
    d.push('\n\n  \n{"id":1}\n\r\n', '\n');
    expect(d.results).toEqual([ok({ id: 1 })]);
  });

  it('parses any JSON value, not only objects', () => {
    const d = decoder();
    d.push('1\n"s"\nnull\n[]\n');
    expect(d.results).toEqual([ok(1), ok('s'), ok(null), ok([])]);
  });
});

describe('FrameDecoder, paused', () => {
  it('stops after the frame that paused it and holds the rest of the chunk until resume', () => {
    const results: DecodeResult[] = [];
    const d: FrameDecoder = new FrameDecoder(1024, (result) => {
      results.push(result);
      if (results.length === 2) d.pause();
    });
    d.push(Buffer.from('{"id":1}\n{"id":2}\n{"id":3}\n{"id":4}\n{"id"'));
    expect(results).toEqual([ok({ id: 1 }), ok({ id: 2 })]);
    expect(d.isPaused).toBe(true);
    d.push(Buffer.from(':5}\n'));
    expect(results).toHaveLength(2);
    d.resume();
    expect(results).toEqual([1, 2, 3, 4, 5].map((id) => ok({ id })));
  });

  it('can be paused again while it delivers held frames, keeping their order', () => {
    const seen: number[] = [];
    const d: FrameDecoder = new FrameDecoder(1024, (result) => {
      if (result.ok) seen.push((result.value as { id: number }).id);
      d.pause(); // one frame per resume
    });
    d.push(Buffer.from('{"id":1}\n{"id":2}\n'));
    d.push(Buffer.from('{"id":3}\n{"id":4}\n'));
    expect(seen).toEqual([1]);
    for (let i = 0; i < 3; i += 1) d.resume();
    expect(seen).toEqual([1, 2, 3, 4]);
    d.resume();
    expect(seen).toEqual([1, 2, 3, 4]);
  });

  it('joins a frame whose first part arrived before the pause and the rest while paused', () => {
    const results: DecodeResult[] = [];
    const d: FrameDecoder = new FrameDecoder(1024, (result) => {
      results.push(result);
      d.pause();
    });
    d.push(Buffer.from('{"id":1}\n{"a":'));
    d.push(Buffer.from('2}\n'));
    expect(results).toEqual([ok({ id: 1 })]);
    d.resume();
    expect(results).toEqual([ok({ id: 1 }), ok({ a: 2 })]);
  });
});

describe('encodeFrame', () => {
  it('is one line of JSON ending with a newline', () => {
    const frame = encodeFrame({ id: 1, text: 'two\nlines' });
    expect(frame.endsWith('\n')).toBe(true);
    expect(frame.indexOf('\n')).toBe(frame.length - 1);
    expect(JSON.parse(frame)).toEqual({ id: 1, text: 'two\nlines' });
  });

  it('round-trips through the decoder', () => {
    const frames = [{ type: 'hello', version: '0.1.0', pid: 1 }, { id: 7, method: 'list', params: {} }];
    const d = decoder();
    d.push(frames.map(encodeFrame).join(''));
    expect(d.results).toEqual(frames.map(ok));
  });
});
