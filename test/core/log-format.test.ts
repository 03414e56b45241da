import { describe, expect, it } from 'vitest';
import { formatDate, formatLine, type LineMeta } from '../../src/core/log-format.js';

// 2024-03-05T07:08:09.045Z: every field has a leading zero to keep, in any time zone.
const AT = Date.UTC(2024, 2, 5, 7, 8, 9, 45);
const meta: LineMeta = { stream: 'out', at: AT, name: 'web', id: 3 };

/** What the tokens mean for AT in this machine's time zone, from the same Date's local getters. */
function local(at: number) {
  const date = new Date(at);
  const p = (n: number, width = 2) => String(n).padStart(width, '0');
  const offset = -date.getTimezoneOffset();
  const sign = offset >= 0 ? '+' : '-';
  const oh = p(Math.floor(Math.abs(offset) / 60));
  const om = p(Math.abs(offset) % 60);
  return {
    YYYY: String(date.getFullYear()),
    MM: p(date.getMonth() + 1),
    DD: p(date.getDate()),
    HH: p(date.getHours()),
    mm: p(date.getMinutes()),
    ss: p(date.getSeconds()),
    SSS: p(date.getMilliseconds(), 3),
    Z: `${sign}${oh}:${om}`,
    ZZ: `${sign}${oh}${om}`,
  };
}

describe('formatLine', () => {
  it('writes a text line as is when no date format is set', () => {
    expect(formatLine('hello world', meta, { dateFormat: null, type: 'text' })).toBe('hello world');
    expect(formatLine('', meta, { dateFormat: null, type: 'text' })).toBe('');
    expect(formatLine('  {"x":1}  ', meta, { dateFormat: null, type: 'text' })).toBe('  {"x":1}  ');
  });

  it('puts the formatted date and ": " in front of a text line', () => {
    const t = local(AT);
    expect(formatLine('hello', meta, { dateFormat: 'YYYY-MM-DD HH:mm:ss', type: 'text' })).toBe(
      `${t.YYYY}-${t.MM}-${t.DD} ${t.HH}:${t.mm}:${t.ss}: hello`,
    );
  });

  it('writes one JSON object per line with message, timestamp, type, app_name and process_id', () => {
    const text = formatLine('a "quoted" line\twith \\ and é', meta, { dateFormat: null, type: 'json' });
    expect(text).not.toContain('\n');
    expect(JSON.parse(text)).toEqual({
      message: 'a "quoted" line\twith \\ and é',
      timestamp: '2024-03-05T07:08:09.045Z',
      type: 'out',
      app_name: 'web',
      process_id: 3,
    });
    const err = JSON.parse(formatLine('boom', { ...meta, stream: 'err', id: 0 }, { dateFormat: null, type: 'json' }));
    expect(err).toMatchObject({ message: 'boom', type: 'err', process_id: 0 });
  });

  it('uses the date format for the JSON timestamp when one is set', () => {
    const t = local(AT);
    const parsed = JSON.parse(formatLine('x', meta, { dateFormat: 'YYYY-MM-DD', type: 'json' }));
    expect(parsed.timestamp).toBe(`${t.YYYY}-${t.MM}-${t.DD}`);
    expect(parsed.message).toBe('x');
  });
});

describe('formatDate', () => {
  const t = local(AT);

  it('replaces each token with its local-time value', () => {
    expect(formatDate(AT, 'YYYY')).toBe(t.YYYY);
    expect(formatDate(AT, 'MM')).toBe(t.MM);
    expect(formatDate(AT, 'DD')).toBe(t.DD);
    expect(formatDate(AT, 'HH')).toBe(t.HH);
    expect(formatDate(AT, 'mm')).toBe(t.mm);
    expect(formatDate(AT, 'ss')).toBe(t.ss);
    expect(formatDate(AT, 'SSS')).toBe(t.SSS);
    expect(formatDate(AT, 'Z')).toBe(t.Z);
    expect(formatDate(AT, 'ZZ')).toBe(t.ZZ);
  });

  it('formats a full pattern with separators', () => {
    expect(formatDate(AT, 'YYYY-MM-DDTHH:mm:ss.SSS Z')).toBe(
      `${t.YYYY}-${t.MM}-${t.DD}T${t.HH}:${t.mm}:${t.ss}.${t.SSS} ${t.Z}`,
    );
    expect(formatDate(AT, 'DD/MM/YYYY HH:mm ZZ')).toBe(`${t.DD}/${t.MM}/${t.YYYY} ${t.HH}:${t.mm} ${t.ZZ}`);
  });

  it('pads every field: months, days, hours, minutes, seconds to 2 digits, milliseconds to 3', () => {
    for (const value of [t.MM, t.DD, t.HH, t.mm, t.ss, t.ZZ.slice(1, 3)]) expect(value).toMatch(/^\d\d$/);
    expect(formatDate(AT, 'SSS')).toMatch(/^\d{3}$/);
    expect(formatDate(AT, 'Z')).toMatch(/^[+-]\d\d:\d\d$/);
    expect(formatDate(AT, 'ZZ')).toMatch(/^[+-]\d{4}$/);
  });

  it('agrees with the ISO string when the offset is applied', () => {
    // The local fields plus the offset name the same instant: parse them back.
    const text = formatDate(AT, 'YYYY-MM-DDTHH:mm:ss.SSSZ');
    expect(Date.parse(text)).toBe(AT);
  });

  it('keeps text in [brackets] as is, without the brackets', () => {
    expect(formatDate(AT, '[at] HH:mm')).toBe(`at ${t.HH}:${t.mm}`);
    expect(formatDate(AT, '[YYYY MM DD] YYYY')).toBe(`YYYY MM DD ${t.YYYY}`);
    expect(formatDate(AT, 'YYYY[T]HH')).toBe(`${t.YYYY}T${t.HH}`);
    expect(formatDate(AT, '[]')).toBe('');
  });

  it('keeps characters that are not tokens', () => {
    expect(formatDate(AT, 'day DD, hour HH!')).toBe(`day ${t.DD}, hour ${t.HH}!`);
    expect(formatDate(AT, '')).toBe('');
  });
});
