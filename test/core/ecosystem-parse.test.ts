import { describe, expect, it } from 'vitest';
import { cronProblem } from '../../src/cli/ecosystem/cron-check.js';
import { syntaxErrorPosition } from '../../src/cli/ecosystem/js-syntax.js';
import { logFilesFor, logsPerInstance, defaultLogSpec } from '../../src/core/log-spec.js';
import { checkAppName, parseCron, parseMemory, parseVariableName, parseWatch, splitArgs } from '../../src/core/parse.js';
import { usageError } from '../helpers/usage-error.js';

/** The parsers the ecosystem loader and the `start` flags share. */

describe('parseMemory', () => {
  it.each([
    ['300M', 300 * 1024 ** 2],
    ['1G', 1024 ** 3],
    ['512K', 512 * 1024],
    ['512k', 512 * 1024],
    ['300MB', 300 * 1024 ** 2],
    ['1.5G', 1.5 * 1024 ** 3],
    [' 2048 ', 2048],
    [104857600, 104857600],
    ['0', 0],
  ])('%j is %d bytes', (raw, bytes) => {
    expect(parseMemory('--max-memory-restart', raw)).toBe(bytes);
  });

  it.each(['M', '', 'lots', '-1M', '300T', '1e9'])('refuses %j, naming the flag', (raw) => {
    expect(usageError(() => parseMemory('--max-memory-restart', raw)).message).toMatch(/^--max-memory-restart .*expected a memory size such as 300M/);
  });
});

describe('parseCron', () => {
  it('turns 0, "0", "" and false into no schedule, and keeps valid expressions (5 or 6 fields, nicknames)', () => {
    for (const off of [0, '0', '', '  ', false, undefined, null]) expect(parseCron('-c', off, cronProblem)).toBe('');
    expect(parseCron('-c', '0 3 * * *', cronProblem)).toBe('0 3 * * *');
    expect(parseCron('-c', ' */1  * * * * * ', cronProblem)).toBe('*/1 * * * * *');
    expect(parseCron('-c', '@daily', cronProblem)).toBe('@daily');
  });

  it.each([
    ['* * * *', /has 4/],
    ['0 0 1 1 * 2030 x', /has 7/],
    ['61 * * * *', /not a valid cron expression: .*minute/i],
    ['* * 32 * *', /not a valid cron expression/],
    ['bad cron expression here now', /not a valid cron expression/],
  ])('refuses %j', (raw, message) => {
    expect(usageError(() => parseCron('--cron-restart', raw, cronProblem)).message).toMatch(message);
  });

  it('refuses a value that is not text', () => {
    expect(usageError(() => parseCron('cron_restart', 5, cronProblem)).message).toMatch(/cron_restart 5: expected a cron expression/);
  });
});

describe('splitArgs', () => {
  it('keeps quoted words whole, as a shell would', () => {
    expect(splitArgs('--name "a b" --flag \'c d\' plain')).toEqual(['--name', 'a b', '--flag', 'c d', 'plain']);
    expect(splitArgs('a\\ b "say \\"hi\\"" \'$HOME\' ""')).toEqual(['a b', 'say "hi"', '$HOME', '']);
    expect(splitArgs('--x="1 2"')).toEqual(['--x=1 2']);
  });

  it('refuses an unclosed quote, naming the field', () => {
    expect(usageError(() => splitArgs('--name "a b', 'args')).message).toBe('args --name "a b: a " quote is not closed.');
  });
});

describe('checkAppName', () => {
  it.each(['my app', 'web server 2'])('accepts %j (PM2 accepts spaces)', (name) => {
    expect(checkAppName(name)).toBe(name);
  });

  it.each([' web', 'web ', 'a\nb', 'a/b', 'all', '7'])('refuses %j', (name) => {
    expect(usageError(() => checkAppName(name, 'name')).message).toMatch(/^name /);
  });
});

describe('parseWatch and parseVariableName', () => {
  it('reads true, false, a path and a list', () => {
    expect(parseWatch('watch', true)).toBe(true);
    expect(parseWatch('watch', false)).toBe(false);
    expect(parseWatch('watch', [])).toBe(false);
    expect(parseWatch('watch', 'src')).toEqual(['src']);
    expect(parseWatch('watch', ['src', ' lib '])).toEqual(['src', 'lib']);
    expect(usageError(() => parseWatch('watch', ['src', 3])).message).toMatch(/^watch \["src",3\]: expected/);
  });

  it('reads variable names', () => {
    expect(parseVariableName('--increment-var', 'PORT')).toBe('PORT');
    expect(usageError(() => parseVariableName('--increment-var', '1PORT')).message).toMatch(/^--increment-var "1PORT"/);
  });
});

describe('logsPerInstance', () => {
  it('gives each instance its own files in cluster mode and in fork mode with several instances', () => {
    expect(logsPerInstance({ execMode: 'cluster', instances: 1 })).toBe(true);
    expect(logsPerInstance({ execMode: 'fork', instances: 3 })).toBe(true);
    expect(logsPerInstance({ execMode: 'fork', instances: 1 })).toBe(false);
    const split = logsPerInstance({ execMode: 'fork', instances: 2 });
    expect(logFilesFor('my app', defaultLogSpec(), '/l', split, 1).out).toBe('/l/my%20app-out-1.log');
  });
});

describe('syntaxErrorPosition', () => {
  it('finds the position of an ES module syntax error that Node reports without one', () => {
    const source = "import { x } from './x.js';\nexport const apps = [\n  { name: 'a' }\n  { name: 'b' },\n];\nconst y = import.meta.url;\nawait 1;\n";
    expect(syntaxErrorPosition(new SyntaxError("Unexpected token '{'"), '/p/a.mjs', source)).toEqual({ line: 4, column: 3 });
    expect(syntaxErrorPosition(new SyntaxError('x'), '/p/a.mjs', 'export default { apps: [] };\n')).toBeNull();
  });
});
