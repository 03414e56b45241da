/**
 * Text that must fit a terminal cell exactly: the width a string takes on screen (ANSI codes
 * take none, CJK and emoji take two), cutting and padding to a width, and cleaning app output
 * so that a line an app prints can never move the cursor or change colours on our screen.
 */

const ANSI_PATTERN = /\u001b\[[0-?]*[ -/]*[@-~]|\u001b\][^\u0007\u001b]*(?:\u0007|\u001b\\)|\u001b[@-Z\\-_]/g;

export function stripAnsi(text: string): string {
  return text.replace(ANSI_PATTERN, '');
}

/** Columns one code point takes: 0 for combining marks, 2 for wide East Asian and emoji. */
export function charWidth(codePoint: number): 0 | 1 | 2 {
  if (
    (codePoint >= 0x300 && codePoint <= 0x36f) ||
    (codePoint >= 0x200b && codePoint <= 0x200f) ||
    (codePoint >= 0xfe00 && codePoint <= 0xfe0f)
  ) {
    return 0;
  }
  if (
    (codePoint >= 0x1100 && codePoint <= 0x115f) ||
    (codePoint >= 0x2e80 && codePoint <= 0xa4cf) ||
    (codePoint >= 0xac00 && codePoint <= 0xd7a3) ||
    (codePoint >= 0xf900 && codePoint <= 0xfaff) ||
    (codePoint >= 0xfe30 && codePoint <= 0xfe4f) ||
    (codePoint >= 0xff00 && codePoint <= 0xff60) ||
    (codePoint >= 0xffe0 && codePoint <= 0xffe6) ||
    (codePoint >= 0x1f300 && codePoint <= 0x1f64f) ||
    (codePoint >= 0x1f900 && codePoint <= 0x1f9ff) ||
    (codePoint >= 0x20000 && codePoint <= 0x3fffd)
  ) {
    return 2;
  }
  return 1;
}

/** Visible columns of a string, ANSI codes excluded. */
export function visibleWidth(text: string): number {
  let width = 0;
  for (const char of stripAnsi(text)) width += charWidth(char.codePointAt(0)!);
  return width;
}

/** Plain text cut to at most `width` columns, ending in '…' when something was cut. */
export function truncate(text: string, width: number): string {
  if (width <= 0) return '';
  if (visibleWidth(text) <= width) return text;
  let out = '';
  let used = 0;
  for (const char of text) {
    const w = charWidth(char.codePointAt(0)!);
    if (used + w > width - 1) break;
    out += char;
    used += w;
  }
  return `${out}…`;
}

/** Like truncate, but keeps the end: paths are read from the file name back. */
export function truncateStart(text: string, width: number): string {
  if (width <= 0) return '';
  if (visibleWidth(text) <= width) return text;
  const chars = [...text];
  let out = '';
  let used = 0;
  for (let i = chars.length - 1; i >= 0; i -= 1) {
    const w = charWidth(chars[i]!.codePointAt(0)!);
    if (used + w > width - 1) break;
    out = chars[i]! + out;
    used += w;
  }
  return `…${out}`;
}

/** Plain text of exactly `width` columns: cut, then padded on the right (or left for numbers). */
export function cell(text: string, width: number, align: 'left' | 'right' = 'left'): string {
  const fitted = truncate(text, width);
  const pad = ' '.repeat(Math.max(0, width - visibleWidth(fitted)));
  return align === 'left' ? fitted + pad : pad + fitted;
}

/**
 * One line of app output made safe to draw: escape sequences and control characters dropped,
 * tabs expanded, and of a line rewritten with carriage returns (a progress bar) the last state.
 */
export function sanitizeLine(line: string): string {
  const parts = stripAnsi(line)
    .split('\r')
    .map((part) => part.replace(/\t/g, '    ').replace(/[\u0000-\u001f\u007f-\u009f]/g, ''));
  return parts.filter((part) => part !== '').pop() ?? '';
}

export type Style = (text: string) => string;

/**
 * Builds one screen line of exactly `width` columns from styled pieces: a piece that does not fit
 * is cut (style applied after the cut, so no escape code is ever split), the rest padded.
 */
export class LineBuilder {
  private text = '';
  private used = 0;

  constructor(private readonly width: number) {}

  get remaining(): number {
    return this.width - this.used;
  }

  add(text: string, style?: Style): this {
    if (this.remaining <= 0 || text === '') return this;
    const fitted = truncate(text, this.remaining);
    this.text += style ? style(fitted) : fitted;
    this.used += visibleWidth(fitted);
    return this;
  }

  /** Appends an already styled piece of known width `width` (sparklines, cells). */
  addStyled(styled: string, width: number): this {
    if (width > this.remaining) return this.add(stripAnsi(styled));
    this.text += styled;
    this.used += width;
    return this;
  }

  /** Repeats `char` up to `upTo` columns from the line's start (default: to its end). */
  fill(char: string, style?: Style, upTo = this.width): this {
    const count = Math.max(0, Math.min(upTo, this.width) - this.used);
    if (count > 0) this.add(char.repeat(count), style);
    return this;
  }

  toString(): string {
    return this.text + ' '.repeat(Math.max(0, this.remaining));
  }
}
