import { describe, expect, it } from 'vitest';
import { TsmError } from '../../src/core/errors.js';
import {
  DEFAULT_METRICS_ADDRESS,
  defaultSettings,
  formatAddress,
  parseAddress,
  parseSettings,
  serializeSettings,
} from '../../src/core/settings.js';

describe('parseAddress', () => {
  it.each([
    ['127.0.0.1:9209', { host: '127.0.0.1', port: 9209 }],
    ['0.0.0.0:80', { host: '0.0.0.0', port: 80 }],
    ['localhost:9209', { host: 'localhost', port: 9209 }],
    ['[::1]:9209', { host: '::1', port: 9209 }],
    ['[::]:1', { host: '::', port: 1 }],
    ['9300', { host: '127.0.0.1', port: 9300 }],
    ['65535', { host: '127.0.0.1', port: 65535 }],
  ])('reads %s', (text, address) => {
    expect(parseAddress(text)).toEqual(address);
  });

  it.each([
    ['', 'expected host:port'],
    ['nonsense', 'expected host:port'],
    ['127.0.0.1', 'expected host:port'],
    ['127.0.0.1:', 'expected host:port'],
    ['127.0.0.1:9209x', 'expected host:port'],
    ['::1:9209', 'expected host:port'],
    ['[::1:9209', 'expected host:port'],
    ['256.0.0.1:9209', '256.0.0.1 is not an IPv4 address nor localhost'],
    ['01.2.3.4:9209', 'is not an IPv4 address'],
    ['example.com:9209', 'example.com is not an IPv4 address nor localhost'],
    ['[fe80::1%eth0]:9209', 'is not an IPv6 address'],
    ['[zz::1]:9209', 'is not an IPv6 address'],
    ['127.0.0.1:0', 'port 0 is not between 1 and 65535'],
    ['127.0.0.1:65536', 'port 65536 is not between 1 and 65535'],
    ['0', 'port 0 is not between 1 and 65535'],
  ])('refuses %j (%s)', (text, why) => {
    let error: unknown;
    try {
      parseAddress(text);
    } catch (caught) {
      error = caught;
    }
    expect(error).toBeInstanceOf(TsmError);
    expect((error as TsmError).code).toBe('E_USAGE');
    expect((error as TsmError).message).toContain(why);
    expect((error as TsmError).message).toContain('such as 127.0.0.1:9209');
  });

  it('refuses what is not a string', () => {
    for (const value of [9209, null, undefined, {}, 'x'.repeat(301)]) expect(() => parseAddress(value)).toThrow(/metrics address/);
  });

  it('formats IPv6 in brackets, so the text reads back as the same address', () => {
    for (const text of ['127.0.0.1:9209', '[::1]:9209', 'localhost:1']) expect(formatAddress(parseAddress(text))).toBe(text);
    expect(formatAddress(parseAddress('9209'))).toBe(DEFAULT_METRICS_ADDRESS);
  });
});

describe('settings file format', () => {
  it('round-trips, with a version', () => {
    const settings = { metrics: { enabled: true, address: '[::1]:9300' } };
    const text = serializeSettings(settings);
    expect(JSON.parse(text)).toEqual({ version: 1, ...settings });
    expect(parseSettings(JSON.parse(text))).toEqual(settings);
  });

  it('takes defaults for what is missing: metrics off at 127.0.0.1:9209', () => {
    expect(defaultSettings()).toEqual({ metrics: { enabled: false, address: '127.0.0.1:9209' } });
    expect(parseSettings({ version: 1 })).toEqual(defaultSettings());
    expect(parseSettings({ version: 1, metrics: { enabled: true } })).toEqual({ metrics: { enabled: true, address: '127.0.0.1:9209' } });
  });

  it.each([
    [null, 'expected a JSON object'],
    [[], 'expected a JSON object'],
    [{}, 'version undefined, expected 1'],
    [{ version: 2 }, 'version 2, expected 1'],
    [{ version: 1, metrics: 'on' }, 'metrics: expected an object'],
    [{ version: 1, metrics: { enabled: 'yes' } }, 'metrics.enabled: expected true or false'],
    [{ version: 1, metrics: { enabled: true, address: 'example.com:1' } }, 'metrics.address'],
  ])('refuses %j', (value, why) => {
    expect(() => parseSettings(value)).toThrow(why);
  });
});
