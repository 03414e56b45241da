import { readdirSync, readFileSync } from 'node:fs';
import { builtinModules } from 'node:module';
import { join, posix } from 'node:path';
import { describe, expect, it } from 'vitest';

/**
 * The house plan's one-way arrows, checked over every .ts file under src/:
 *   cli → client → protocol → core, daemon → protocol → core; core does no I/O;
 *   each third-party library and process-global Node API has one home.
 * Imports are found with regexes over `from '…'`, `import '…'`, `import('…')` and `require('…')`
 * after comments are dropped, so a doc comment that mentions a module is not an import.
 */

const SRC = join(__dirname, '..', 'src');

/** Which folders of src/ each folder may import from. */
const ALLOWED_LAYERS: Record<string, readonly string[]> = {
  cli: ['cli', 'client', 'protocol', 'core'],
  client: ['client', 'protocol', 'core'],
  protocol: ['protocol', 'core'],
  daemon: ['daemon', 'protocol', 'core'],
  core: ['core'],
  // Not in the house plan: code preloaded into cluster workers (the app's process). It shares
  // the message types with the daemon and must not pull the daemon or the CLI into every app.
  worker: ['worker', 'protocol', 'core'],
};

/** Node built-ins that do I/O or spawn: core must stay pure. */
const IO_BUILTINS = new Set([
  'node:fs',
  'node:fs/promises',
  'node:net',
  'node:child_process',
  'node:cluster',
  'node:http',
  'node:https',
  'node:http2',
  'node:dgram',
  'node:tls',
  'node:worker_threads',
  'node:readline',
]);

/** A module with one home: the files (relative to src/, '/'-separated) that may import it. */
const HOMES: Record<string, (file: string) => boolean> = {
  // tsm-runtime is a second executable with its own command line (it reuses tsm start's options).
  commander: (f) => f === 'cli/program.ts' || f === 'cli/runtime/program.ts',
  chalk: (f) => f === 'cli/render/colors.ts',
  'cli-table3': (f) => f === 'cli/render/table.ts',
  pidusage: (f) => f === 'daemon/metrics.ts',
  'rotating-file-stream': (f) => f.startsWith('daemon/logs/'),
  yaml: (f) => f === 'cli/ecosystem/load-file.ts',
  json5: (f) => f === 'cli/ecosystem/load-file.ts',
  // Two homes across the layers: the CLI checks a file's expressions before anything starts, the
  // daemon checks requests and runs the schedule; neither may import the other.
  croner: (f) => f === 'cli/ecosystem/cron-check.ts' || f === 'daemon/triggers/app-triggers.ts',
  'node:cluster': (f) => f === 'daemon/process/cluster-process.ts',
  'node:child_process': (f) =>
    f === 'daemon/process/fork-process.ts' || f === 'client/launch-daemon.ts' || f === 'cli/startup/systemctl.ts',
};

/** The one file that may call process.exit(); bin/tsm.js (outside src/) sets process.exitCode. */
const PROCESS_EXIT_HOME = 'daemon/entry.ts';

/** Drops comments: whole-line `//` comments, blocks that start a line, and trailing ` // …`. */
function stripComments(source: string): string {
  const kept: string[] = [];
  let inBlock = false;
  for (const line of source.split('\n')) {
    const trimmed = line.trim();
    if (inBlock) {
      if (trimmed.includes('*/')) {
        inBlock = false;
        kept.push(line.slice(line.indexOf('*/') + 2));
      } else kept.push('');
      continue;
    }
    if (trimmed.startsWith('//')) {
      kept.push('');
      continue;
    }
    if (trimmed.startsWith('/*')) {
      const end = trimmed.indexOf('*/', 2);
      if (end === -1) inBlock = true;
      kept.push(end === -1 ? '' : trimmed.slice(end + 2));
      continue;
    }
    kept.push(line.replace(/\s\/\/\s.*$/, ''));
  }
  return kept.join('\n');
}

const IMPORT_PATTERNS = [
  /\bfrom\s*['"]([^'"]+)['"]/g,
  /^\s*import\s*['"]([^'"]+)['"]/gm,
  /\bimport\s*\(\s*['"]([^'"]+)['"]\s*\)/g,
  /\brequire\s*\(\s*['"]([^'"]+)['"]\s*\)/g,
];

function importsOf(source: string): string[] {
  const code = stripComments(source);
  const found = new Set<string>();
  for (const pattern of IMPORT_PATTERNS) for (const match of code.matchAll(pattern)) found.add(match[1]!);
  return [...found];
}

const BUILTINS = new Set(builtinModules);

/** `path` and `node:path` alike; `chalk/ansi` is chalk, `@scope/pkg/x` is @scope/pkg. */
function moduleName(specifier: string): string {
  if (specifier.startsWith('node:')) return specifier;
  if (BUILTINS.has(specifier)) return `node:${specifier}`;
  const parts = specifier.split('/');
  return specifier.startsWith('@') ? parts.slice(0, 2).join('/') : parts[0]!;
}

function builtinName(specifier: string): string | null {
  if (specifier.startsWith('node:')) return specifier;
  return BUILTINS.has(specifier) ? `node:${specifier}` : null;
}

/** Every rule broken by one file, as `src/<file>: <what>`. `file` is relative to src/. */
function checkFile(file: string, source: string): string[] {
  const violations: string[] = [];
  const layer = file.split('/')[0]!;
  const allowed = ALLOWED_LAYERS[layer];
  if (allowed === undefined) violations.push(`src/${file}: src/${layer}/ is not a layer of the house plan`);
  for (const specifier of importsOf(source)) {
    const where = `src/${file} imports '${specifier}'`;
    if (specifier.startsWith('.')) {
      const target = posix.normalize(posix.join(posix.dirname(file), specifier));
      const targetLayer = target.split('/')[0]!;
      if (target.startsWith('..')) violations.push(`${where}: outside src/`);
      else if (allowed && !allowed.includes(targetLayer)) {
        violations.push(`${where}: ${layer} may import only ${allowed.join(', ')}, not ${targetLayer}`);
      }
      continue;
    }
    const builtin = builtinName(specifier);
    if (layer === 'core') {
      if (builtin === null) violations.push(`${where}: core imports only core and node built-ins`);
      else if (IO_BUILTINS.has(builtin)) violations.push(`${where}: core does no I/O`);
    }
    const home = HOMES[moduleName(specifier)];
    if (home && !home(file)) violations.push(`${where}: '${moduleName(specifier)}' has one home, not this file`);
  }
  if (file !== PROCESS_EXIT_HOME && /\bprocess\.exit\s*\(/.test(stripComments(source))) {
    violations.push(`src/${file} calls process.exit(): only src/${PROCESS_EXIT_HOME} exits the process`);
  }
  return violations;
}

function sourceFiles(dir: string, prefix = ''): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const rel = prefix === '' ? entry.name : `${prefix}/${entry.name}`;
    if (entry.isDirectory()) return sourceFiles(join(dir, entry.name), rel);
    return entry.name.endsWith('.ts') ? [rel] : [];
  });
}

describe('architecture of src/', () => {
  const files = sourceFiles(SRC);

  it('finds the sources', () => {
    expect(files).toContain('cli/program.ts');
    expect(files).toContain('core/status.ts');
    expect(files).toContain('daemon/entry.ts');
    expect(files.length).toBeGreaterThan(30);
  });

  it('every import follows the arrows and the one-home rules', () => {
    const violations = files.flatMap((file) => checkFile(file, readFileSync(join(SRC, file), 'utf8')));
    expect(violations).toEqual([]);
  });

  it('the homes do use what they are the home of (so the rules check something real)', () => {
    const read = (file: string) => importsOf(readFileSync(join(SRC, file), 'utf8'));
    expect(read('cli/program.ts')).toContain('commander');
    expect(read('cli/render/colors.ts')).toContain('chalk');
    expect(read('daemon/logs/log-file.ts')).toContain('rotating-file-stream');
    expect(read('daemon/metrics.ts')).toContain('pidusage');
    expect(read('daemon/process/cluster-process.ts')).toContain('node:cluster');
    expect(read('daemon/process/fork-process.ts')).toContain('node:child_process');
    expect(readFileSync(join(SRC, PROCESS_EXIT_HOME), 'utf8')).toMatch(/process\.exit\(/);
  });
});

describe('the checker', () => {
  it('finds static, side-effect, dynamic and require imports, and ignores comments', () => {
    const source = [
      "import { a } from './a.js';",
      "import type { B } from '../core/b.js';",
      "export { c } from \"./c.js\";",
      "import 'node:process';",
      '/**',
      " * import { x } from 'commander';",
      ' */',
      "// const y = require('pidusage');",
      "const d = await import('./d.js'); // not import('chalk')",
      "const e = require('node:fs');",
      "const url = 'http://example.com'; const f = await import( 'cli-table3' );",
    ].join('\n');
    expect(importsOf(source).sort()).toEqual(
      ['../core/b.js', './a.js', './c.js', './d.js', 'cli-table3', 'node:fs', 'node:process'].sort(),
    );
  });

  it('accepts the arrows of the plan', () => {
    expect(checkFile('cli/commands/list.ts', "import { x } from '../../client/client.js';")).toEqual([]);
    expect(checkFile('client/client.ts', "import { x } from '../protocol/framing.js';")).toEqual([]);
    expect(checkFile('daemon/handlers/start.ts', "import { x } from '../../core/app-spec.js';")).toEqual([]);
    expect(checkFile('core/parse.ts', "import { constants } from 'node:os';")).toEqual([]);
  });

  it.each([
    ['cli/commands/list.ts', "import { x } from '../../daemon/registry.js';", 'cli may import only'],
    ['daemon/server.ts', "import { x } from '../cli/print.js';", 'daemon may import only'],
    ['daemon/server.ts', "import { x } from '../client/connection.js';", 'daemon may import only'],
    ['protocol/methods.ts', "import type { X } from '../client/client.js';", 'protocol may import only'],
    ['client/client.ts', "const m = await import('../cli/main.js');", 'client may import only'],
    ['core/status.ts', "import { x } from '../protocol/frames.js';", 'core may import only'],
    ['core/paths.ts', "import { mkdirSync } from 'node:fs';", 'core does no I/O'],
    ['core/paths.ts', "import { readFile } from 'fs/promises';", 'core does no I/O'],
    ['core/paths.ts', "const net = require('net');", 'core does no I/O'],
    ['core/paths.ts', "import ms from 'ms';", 'only core and node built-ins'],
    ['cli/commands/start.ts', "import { Command } from 'commander';", "'commander' has one home"],
    ['cli/print.ts', "const { Chalk } = await import('chalk');", "'chalk' has one home"],
    ['daemon/registry.ts', "import pidusage from 'pidusage';", "'pidusage' has one home"],
    ['daemon/supervisor.ts', "import cluster from 'node:cluster';", "'node:cluster' has one home"],
    ['daemon/supervisor.ts', "import cluster from 'cluster';", "'node:cluster' has one home"],
    ['daemon/process/kill-tree.ts', "import { spawn } from 'node:child_process';", "'node:child_process' has one home"],
    ['daemon/persist.ts', "import { createStream } from 'rotating-file-stream';", "'rotating-file-stream' has one home"],
    ['cli/main.ts', 'process.exit(2);', 'calls process.exit()'],
    ['daemon/main.ts', 'if (bad) process.exit (1);', 'calls process.exit()'],
    ['tools/x.ts', "import { x } from '../core/paths.js';", 'not a layer of the house plan'],
  ])('reports %s with %s', (file, source, message) => {
    const violations = checkFile(file, source);
    expect(violations).toHaveLength(1);
    expect(violations[0]).toContain(`src/${file}`);
    expect(violations[0]).toContain(message);
  });

  it('allows each home its module, and process.exitCode anywhere', () => {
    expect(checkFile('daemon/logs/log-sinks.ts', "import { createStream } from 'rotating-file-stream';")).toEqual([]);
    expect(checkFile('client/launch-daemon.ts', "import { spawn } from 'node:child_process';")).toEqual([]);
    expect(checkFile('daemon/entry.ts', 'process.exit(code);')).toEqual([]);
    expect(checkFile('cli/main.ts', 'process.exitCode = 2; // not process.exit(2)')).toEqual([]);
  });
});
