import { readFile, stat } from 'node:fs/promises';
import { extname } from 'node:path';
import { pathToFileURL } from 'node:url';
import { TsmError } from '../../core/errors.js';
import { syntaxErrorPosition, type Position } from './js-syntax.js';

/**
 * A file of data is refused past this size: an ecosystem file is a few kilobytes, and a parser
 * given hundreds of megabytes by mistake would hold the CLI for a long time.
 */
const MAX_DATA_BYTES = 4 * 1024 * 1024;

/**
 * An ecosystem file's content, by extension: JavaScript (CommonJS or ES module, through import(),
 * which only these commands pay for), JSON and JSON5 (both read as JSON5: PM2 reads a .json
 * leniently, so comments, trailing commas and unquoted keys are accepted), YAML. A file that does
 * not parse is refused with its path, line and column.
 */
export async function loadEcosystemFile(path: string): Promise<unknown> {
  const ext = extname(path).toLowerCase();
  if (ext === '.json' || ext === '.json5' || ext === '.yaml' || ext === '.yml') {
    const info = await stat(path);
    if (info.size > MAX_DATA_BYTES) throw unreadable(path, null, `the file is ${info.size} bytes; an ecosystem file is at most ${MAX_DATA_BYTES}`);
    const text = await readFile(path, 'utf8');
    return ext === '.yaml' || ext === '.yml' ? parseYaml(path, text) : parseJson5(path, text, ext);
  }
  return loadJavaScript(path);
}

function parseJson5(path: string, text: string, ext: string): unknown {
  const JSON5 = require('json5') as typeof import('json5');
  try {
    return JSON5.parse(text);
  } catch (error) {
    const { lineNumber, columnNumber, message } = error as Error & { lineNumber?: number; columnNumber?: number };
    const position = lineNumber !== undefined && columnNumber !== undefined ? { line: lineNumber, column: columnNumber } : null;
    const what = message.replace(/^JSON5: /, '').replace(/ at \d+:\d+$/, '');
    throw unreadable(path, position, `not valid ${ext === '.json' ? 'JSON (nor JSON5)' : 'JSON5'}: ${what}`, error);
  }
}

function parseYaml(path: string, text: string): unknown {
  const YAML = require('yaml') as typeof import('yaml');
  // One document (several would be several configs), anchors bounded by the library's alias limit.
  // prettyErrors: the library fills in the line and column only then (its message gains them too).
  const document = YAML.parseDocument(text, { prettyErrors: true, uniqueKeys: true });
  const first = document.errors[0];
  if (first !== undefined) {
    const at = first.linePos?.[0];
    const what = (first.message.split('\n')[0] ?? '').replace(/ at line \d+, column \d+:?$/, '');
    throw unreadable(path, at ? { line: at.line, column: at.col } : null, `not valid YAML: ${what}`, first);
  }
  try {
    return document.toJS({ maxAliasCount: 100 });
  } catch (error) {
    throw unreadable(path, null, `not valid YAML: ${(error as Error).message}`, error);
  }
}

async function loadJavaScript(path: string): Promise<unknown> {
  let loaded: unknown;
  try {
    loaded = await runJavaScript(path);
  } catch (error) {
    if (error instanceof SyntaxError) {
      const source = await readFile(path, 'utf8').catch(() => '');
      throw unreadable(path, syntaxErrorPosition(error, path, source), `a JavaScript syntax error: ${error.message}${moduleHint(error, path)}`, error);
    }
    throw unreadable(path, null, `running it failed: ${(error as Error).message}`, error);
  }
  // `export default` arrives as default, a named `apps` export as is, module.exports as itself.
  if (loaded !== null && typeof loaded === 'object' && '__esModule' in loaded && 'default' in loaded) {
    const fallback = (loaded as { default?: unknown }).default;
    return fallback !== undefined ? fallback : loaded;
  }
  return loaded;
}

/**
 * require() first: it reads CommonJS without starting Node's ES module loader (~15 ms), gives a
 * syntax error's position, and reads ES modules too from Node 20.19 on. import() for what
 * require() cannot load (an older Node, an ES module with top-level await).
 */
async function runJavaScript(path: string): Promise<unknown> {
  try {
    return require(path) as unknown;
  } catch (error) {
    const code = (error as { code?: unknown }).code;
    if (code !== 'ERR_REQUIRE_ESM' && code !== 'ERR_REQUIRE_ASYNC_MODULE') throw error;
  }
  const module = (await import(pathToFileURL(path).href)) as Record<string, unknown>;
  return { __esModule: true, ...module };
}

/** `export default` in a .js file that Node reads as CommonJS: say how to fix it. */
function moduleHint(error: SyntaxError, path: string): string {
  if (!/\b(export|import)\b/.test(error.message) || !path.endsWith('.js')) return '';
  return ' (the file uses ES module syntax, but Node reads this .js file as CommonJS: rename it to .mjs, or write module.exports = { apps: [...] })';
}

function unreadable(path: string, at: Position | null, why: string, cause?: unknown): TsmError {
  const where = at === null ? path : `${path}:${at.line}:${at.column}`;
  return new TsmError('E_USAGE', `cannot read the ecosystem file ${where}: ${why}. Nothing was changed.`, { cause });
}
