import type CliTable3 from 'cli-table3';
import type { Palette } from './colors.js';

/**
 * The one home of cli-table3: boxed tables for `list`, `show` and the commands that change
 * processes, in PM2's compact look.
 *
 * Its cost is what `tsm list` is judged by, so it is kept small:
 * - loaded with require() when a table is drawn, never at CLI start: the library and
 *   string-width (with its 10 KB emoji RegExp) cost ~11 ms of CPU to load;
 * - style.head and style.border empty: any colour name there makes cli-table3 load
 *   @colors/colors (~35 ms of CPU); colour comes from our palette instead, on the content, on
 *   the vertical bars (one escape per cell) and on whole border lines after layout;
 * - wordWrap off and no colWidths: no wrapping pass, each cell is one line;
 * - compact: no separator line between rows, so fewer lines to draw.
 */
type TableConstructor = typeof CliTable3;
type Options = NonNullable<ConstructorParameters<TableConstructor>[0]>;

function loadTable(): TableConstructor {
  return require('cli-table3') as TableConstructor;
}

function options(colors: Palette, head: string[]): Options {
  const bar = colors.grey('│');
  return {
    head,
    wordWrap: false,
    style: { head: [], border: [], compact: true },
    // Only the bars between cells are coloured here; a horizontal border line is drawn as one
    // run of box characters and coloured as a whole afterwards (see greyBorders).
    chars: colors.enabled ? { left: bar, middle: bar, right: bar } : {},
  };
}

/** Lines that are borders only (top, under the header, bottom) in the palette's grey. */
function greyBorders(text: string, colors: Palette): string {
  if (!colors.enabled) return text;
  return text
    .split('\n')
    .map((line) => (/^[┌├└]/.test(line) ? colors.grey(line) : line))
    .join('\n');
}

/** A table with a header row. Cells may hold colour codes: cli-table3 measures without them. */
export function renderTable(head: string[], rows: string[][], colors: Palette): string {
  const Table = loadTable();
  const table = new Table(options(colors, head.map((title) => colors.bold(colors.cyan(title)))));
  table.push(...rows);
  return greyBorders(table.toString(), colors);
}

/** Two columns, key and value, for `show`. */
export function renderDetails(rows: Array<[string, string]>, colors: Palette): string {
  const Table = loadTable();
  const table = new Table(options(colors, []));
  table.push(...rows.map(([key, value]) => [colors.bold(key), value]));
  return greyBorders(table.toString(), colors);
}
