import type { Palette } from '../render/colors.js';
import type { LogEntry } from './state.js';
import { LineBuilder } from '../render/text.js';

/** Below this width the time stamp is dropped: the line itself matters more. */
const TIME_MIN_COLUMNS = 60;

/** `── logs: web (id 0) ───── 12 lines skipped ─` */
export function logTitleLine(subject: string, skipped: number, width: number, colors: Palette): string {
  const line = new LineBuilder(width).add('── ', colors.grey).add(`logs: ${subject}`, colors.bold).add(' ');
  const tail = skipped > 0 ? ` ${skipped} lines skipped (monit read too slowly) ─` : '';
  line.fill('─', colors.grey, width - tail.length);
  return line.add(tail, colors.yellow).toString();
}

/**
 * The newest lines that fit `height`, oldest first. stderr lines are tagged `err` and red,
 * stdout `out`, the daemon's own `tsm`, so the streams are told apart with or without colour.
 * A line longer than the pane is cut, never wrapped.
 */
export function logLines(
  entries: readonly LogEntry[],
  width: number,
  height: number,
  colors: Palette,
  formatTime: (at: number) => string,
): string[] {
  if (height <= 0) return [];
  const blank = new LineBuilder(width).toString();
  if (entries.length === 0) {
    const hint = new LineBuilder(width).add(' no output since monit opened', colors.dim).toString();
    return [hint, ...Array<string>(height - 1).fill(blank)];
  }
  const lines = entries.slice(-height).map((entry) => {
    const line = new LineBuilder(width).add(' ');
    if (width >= TIME_MIN_COLUMNS) line.add(`${formatTime(entry.at)} `, colors.grey);
    if (entry.stream === 'err') line.add('err ', colors.red).add(entry.text, colors.red);
    else if (entry.stream === 'daemon') line.add('tsm ', colors.cyan).add(entry.text);
    else line.add('out ', colors.grey).add(entry.text);
    return line.toString();
  });
  return [...lines, ...Array<string>(height - lines.length).fill(blank)];
}
