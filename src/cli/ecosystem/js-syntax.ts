import { Script } from 'node:vm';

export interface Position {
  line: number;
  column: number;
}

/**
 * Where a JavaScript file's syntax error is. CommonJS files get it in the error's stack
 * (`/path/file.js:4` then the code line and a caret); Node's ES module loader gives no position
 * at all, so the source is compiled again as a script, with `export`/`import` declarations blanked
 * out (same length, so columns hold) and wrapped in an async function (for top-level await, on
 * lines of its own, so lines hold). Null when neither finds one.
 */
export function syntaxErrorPosition(error: Error, path: string, source: string): Position | null {
  return positionInStack(error.stack ?? '', path) ?? positionAsScript(path, source);
}

function positionInStack(stack: string, path: string): Position | null {
  const lines = stack.split('\n');
  const header = lines[0] ?? '';
  const match = /:(\d+)$/.exec(header);
  if (!match || !header.replace(/^file:\/\//, '').startsWith(path)) return null;
  const caret = (lines[2] ?? '').indexOf('^');
  return { line: Number(match[1]), column: caret === -1 ? 1 : caret + 1 };
}

function positionAsScript(path: string, source: string): Position | null {
  const blanked = source
    .replace(/\bexport\s+default\b/g, (text) => `void${' '.repeat(text.length - 4)}`)
    .replace(/\bexport(?=\s+(const|let|var|function|class|async)\b)/g, '      ')
    .replace(/^(\s*)(import\s[^'"\n]*from\s*['"][^'"\n]*['"];?|import\s*['"][^'"\n]*['"];?|export\s*\{[^}\n]*\}(\s*from\s*['"][^'"\n]*['"])?;?)/gm, (text) =>
      text.replace(/\S/g, ' '),
    )
    .replace(/\bimport\.meta\b/g, '__tsm_.meta');
  try {
    new Script(`(async function () {\n${blanked}\n})`, { filename: path, lineOffset: -1 });
    return null;
  } catch (error) {
    return positionInStack((error as Error).stack ?? '', path);
  }
}
