import type { ProcessInfo } from '../../protocol/process-info.js';
import type { Palette } from '../render/colors.js';
import { formatBytes, formatUptime } from '../render/format.js';
import { statusColor } from '../render/process-table.js';
import { cell, LineBuilder, visibleWidth, type Style } from '../render/text.js';

interface Column {
  title: string;
  align: 'left' | 'right';
  /** Columns with the lowest value are dropped first when the list is narrow. */
  keep: number;
  value(p: ProcessInfo, now: number): string;
  style?(p: ProcessInfo, colors: Palette): Style | undefined;
}

const NAME_MIN = 8;
const NAME_MAX = 28;
const GAP = '  ';
const MARKER = '› ';

const name: Column = {
  title: 'name',
  align: 'left',
  keep: Infinity,
  value: (p) => p.name,
  style: (p, colors) => (p.status === 'errored' ? colors.red : p.status === 'stopped' ? colors.grey : undefined),
};

/** In display order. Status and name are never dropped. */
const COLUMNS: readonly Column[] = [
  { title: 'id', align: 'right', keep: 3, value: (p) => String(p.id) },
  name,
  { title: 'mode', align: 'left', keep: 0, value: (p) => p.spec.execMode },
  {
    title: 'status',
    align: 'left',
    keep: Infinity,
    value: (p) => p.status,
    style: (p, colors) => statusColor(colors, p.status),
  },
  { title: 'cpu', align: 'right', keep: 5, value: (p) => (p.cpu === null ? '-' : `${p.cpu}%`) },
  { title: 'mem', align: 'right', keep: 4, value: (p) => (p.memory === null ? '-' : formatBytes(p.memory)) },
  { title: '↺', align: 'right', keep: 2, value: (p) => String(p.restarts) },
  {
    title: 'uptime',
    align: 'right',
    keep: 1,
    value: (p, now) => (p.startedAt === null ? '-' : formatUptime(Math.max(0, now - p.startedAt))),
  },
];

interface Sized {
  column: Column;
  width: number;
}

/** The columns that fit `width`, least useful dropped first; the name takes what is left. */
function fitColumns(processes: readonly ProcessInfo[], width: number, now: number): Sized[] {
  const natural = (column: Column): number =>
    Math.max(visibleWidth(column.title), ...processes.map((p) => visibleWidth(column.value(p, now))));
  let sized: Sized[] = COLUMNS.map((column) => ({
    column,
    width: column === name ? Math.min(NAME_MAX, natural(column)) : natural(column),
  }));
  const total = (list: Sized[]): number =>
    MARKER.length +
    list.reduce((sum, s) => sum + (s.column === name ? Math.min(s.width, NAME_MIN) : s.width), 0) +
    GAP.length * (list.length - 1);
  const byUsefulness = [...COLUMNS].filter((c) => c.keep !== Infinity).sort((a, b) => a.keep - b.keep);
  for (const drop of byUsefulness) {
    if (total(sized) <= width) break;
    sized = sized.filter((s) => s.column !== drop);
  }
  const others = sized.reduce((sum, s) => sum + (s.column === name ? 0 : s.width), 0);
  const room = width - MARKER.length - others - GAP.length * (sized.length - 1);
  return sized.map((s) => (s.column === name ? { column: name, width: Math.max(1, Math.min(s.width, room)) } : s));
}

/** The process table: a header line, then one line per process, scrolled to keep the selection shown. */
export function processListLines(
  processes: readonly ProcessInfo[],
  selectedId: number | null,
  width: number,
  height: number,
  colors: Palette,
  now: number,
): string[] {
  if (height <= 0) return [];
  const columns = fitColumns(processes, width, now);
  const header = new LineBuilder(width).add(' '.repeat(MARKER.length));
  columns.forEach((s, i) => {
    if (i > 0) header.add(GAP);
    header.add(cell(s.column.title, s.width, s.column.align), colors.dim);
  });
  const rows = height - 1;
  const index = Math.max(0, processes.findIndex((p) => p.id === selectedId));
  const offset = Math.max(0, Math.min(index - Math.floor(rows / 2), processes.length - rows));
  const lines = [header.toString()];
  for (const p of processes.slice(offset, offset + rows)) {
    const selected = p.id === selectedId;
    const line = new LineBuilder(width).add(selected ? MARKER : ' '.repeat(MARKER.length), colors.cyan);
    columns.forEach((s, i) => {
      if (i > 0) line.add(GAP);
      const style = s.column.style?.(p, colors);
      const text = cell(s.column.value(p, now), s.width, s.column.align);
      line.add(text, selected && s.column === name ? (t) => colors.bold(style ? style(t) : t) : style);
    });
    lines.push(line.toString());
  }
  return lines;
}

/** What the list area says when it has no row to show. */
export function emptyListLines(message: string, width: number, colors: Palette): string[] {
  return [new LineBuilder(width).add('  ').add(message, colors.dim).toString()];
}
