import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { isMethodName, METHOD_NAMES, type MethodName } from '../../src/protocol/methods.js';
import { TSM_VERSION } from '../../src/protocol/version.js';

/**
 * Every key of the Methods interface, checked by the compiler: a method added to Methods and not
 * here is a missing property, a name here that Methods lacks is an excess property. Either fails
 * `tsc`; the runtime check below then holds METHOD_NAMES to this list.
 */
const EVERY_METHOD: Record<MethodName, true> = {
  ping: true,
  list: true,
  describe: true,
  start: true,
  stop: true,
  restart: true,
  reload: true,
  delete: true,
  subscribe: true,
  scale: true,
  signal: true,
  reset: true,
  env: true,
  save: true,
  resurrect: true,
  flush: true,
  reloadLogs: true,
  kill: true,
  metrics: true,
  scheduling: true,
};

describe('METHOD_NAMES', () => {
  it('lists every method of the Methods interface, once', () => {
    expect([...METHOD_NAMES].sort()).toEqual(Object.keys(EVERY_METHOD).sort());
    expect(new Set(METHOD_NAMES).size).toBe(METHOD_NAMES.length);
  });

  it('isMethodName accepts those names only', () => {
    for (const name of METHOD_NAMES) expect(isMethodName(name)).toBe(true);
    for (const name of ['', 'PING', 'toString', 'constructor', 'reloads', 42, null]) {
      expect(isMethodName(name)).toBe(false);
    }
  });
});

describe('TSM_VERSION', () => {
  it("equals package.json's version", () => {
    const pkg = JSON.parse(readFileSync(join(__dirname, '..', '..', 'package.json'), 'utf8')) as { version: string };
    expect(TSM_VERSION).toBe(pkg.version);
  });
});
