import type { Palette } from './colors.js';
import { visibleWidth } from './text.js';

/**
 * Boxed tables for `list` and `show`, in PM2's compact look. Written here rather than with
 * cli-table3: with 20 apps its layout and string-width (which builds its emoji RegExp on every
 * call) took ~85 ms of a 170 ms `tsm list`, whose budget is 100 ms; this takes about 1 ms. Cells
 * may hold colour codes: widths are measured without them.
 */
export function renderTable(head: string[], rows: string[][], colors: Palette): string {
  const widths = head.map((title, column) =>
    Math.max(visibleWidth(title), ...rows.map((row) => visibleWidth(row[column] ?? ''))),
  );
  const border = (left: string, middle: string, right: string): string =>
    colors.grey(`${left}${widths.map((w) => '─'.repeat(w + 2)).join(middle)}${right}`);
  const line = (cells: string[], style: (text: string) => string = (text) => text): string => {
    const bar = colors.grey('│');
    const padded = widths.map((w, column) => {
      const text = cells[column] ?? '';
      return ` ${style(text)}${' '.repeat(w - visibleWidth(text))} `;
    });
    return `${bar}${padded.join(bar)}${bar}`;
  };
  return [
    border('┌', '┬', '┐'),
    line(head, (text) => colors.bold(colors.cyan(text))),
    border('├', '┼', '┤'),
    ...rows.map((row) => line(row)),
    border('└', '┴', '┘'),
  ].join('\n');
}

/** Two columns, key and value, for `show`. */
export function renderDetails(rows: Array<[string, string]>, colors: Palette): string {
  const keyWidth = Math.max(...rows.map(([key]) => visibleWidth(key)));
  const valueWidth = Math.max(...rows.map(([, value]) => visibleWidth(value)));
  const bar = colors.grey('│');
  const border = (left: string, middle: string, right: string): string =>
    colors.grey(`${left}${'─'.repeat(keyWidth + 2)}${middle}${'─'.repeat(valueWidth + 2)}${right}`);
  const lines = rows.map(
    ([key, value]) =>
      `${bar} ${colors.bold(key)}${' '.repeat(keyWidth - visibleWidth(key))} ${bar} ${value}${' '.repeat(valueWidth - visibleWidth(value))} ${bar}`,
  );
  return [border('┌', '┬', '┐'), ...lines, border('└', '┴', '┘')].join('\n');
}
