import type { ProcessInfo } from '../../protocol/process-info.js';
import type { Palette } from '../render/colors.js';
import { formatBytes, formatExit, formatUptime } from '../render/format.js';
import { statusColor } from '../render/process-table.js';
import { peak, sparkline } from './sparkline.js';
import type { History } from './state.js';
import { LineBuilder, truncateStart, visibleWidth } from '../render/text.js';

export interface PanelView {
  colors: Palette;
  now: number;
  /** The version of the node that runs 'node' apps (the daemon's), when the daemon says it. */
  nodeVersion: string | null;
  formatTime(at: number): string;
}

/** Lines of the side panel: a title, the details, and the two sparklines. */
export const PANEL_HEIGHT = 11;
const LABEL = 12;
/** CPU bars are scaled to the peak, but never below this, so idle noise stays flat. */
const CPU_SCALE_FLOOR = 10;

function uptime(p: ProcessInfo, now: number): string {
  return p.startedAt === null ? '-' : formatUptime(Math.max(0, now - p.startedAt));
}

function lastExit(p: ProcessInfo, view: PanelView): string {
  if (!p.lastExit) return '-';
  return `${formatExit(p.lastExit)} at ${view.formatTime(p.lastExit.at)}`;
}

function interpreter(p: ProcessInfo, view: PanelView): string {
  const { interpreter: command, nodeArgs } = p.spec;
  const isNode = command === 'node' || command === 'nodejs';
  const version = isNode && view.nodeVersion ? ` ${view.nodeVersion}` : '';
  return `${command}${version}${nodeArgs.length > 0 ? ` ${nodeArgs.join(' ')}` : ''}`;
}

function title(p: ProcessInfo, width: number, colors: Palette): string {
  return new LineBuilder(width)
    .add(`${p.name} (id ${p.id})`, colors.bold)
    .add('  ')
    .add(p.status, statusColor(colors, p.status))
    .toString();
}

/** `label value`, the value cut from the left for paths (the file name is what is read). */
function detail(label: string, value: string, width: number, colors: Palette, keepEnd = false): string {
  const line = new LineBuilder(width).add(label.padEnd(LABEL), colors.dim);
  return line.add(keepEnd ? truncateStart(value, line.remaining) : value).toString();
}

/** `cpu ▁▂▅█ 12.5% max 40%`: the bars take the room the figures leave. */
export function sparkLine(
  label: string,
  samples: readonly (number | null)[],
  current: number | null,
  unit: 'cpu' | 'memory',
  width: number,
  colors: Palette,
): string {
  const format = (value: number | null): string =>
    value === null ? '-' : unit === 'cpu' ? `${value}%` : formatBytes(value);
  const highest = peak(samples);
  const figures = ` ${format(current)}${highest === null ? '' : ` max ${format(highest)}`}`;
  const line = new LineBuilder(width).add(`${label} `, colors.dim);
  const bars = Math.min(samples.length, Math.max(0, line.remaining - visibleWidth(figures)));
  const scale = unit === 'cpu' ? Math.max(CPU_SCALE_FLOOR, highest ?? 0) : undefined;
  const spark = sparkline(samples, bars, scale);
  line.addStyled((unit === 'cpu' ? colors.cyan : colors.green)(spark), bars);
  return line.add(figures).toString();
}

const NO_HISTORY: History = { cpu: [], memory: [] };

/** The side panel of a wide screen: exactly PANEL_HEIGHT lines of `width` columns. */
export function panelLines(p: ProcessInfo | null, history: History | undefined, width: number, view: PanelView): string[] {
  const { colors } = view;
  if (!p) {
    const blank = new LineBuilder(width).toString();
    return [new LineBuilder(width).add('no process selected', colors.dim).toString(), ...Array(PANEL_HEIGHT - 1).fill(blank)];
  }
  const h = history ?? NO_HISTORY;
  const s = p.spec;
  return [
    title(p, width, colors),
    detail('pid', p.pid === null ? '-' : String(p.pid), width, colors),
    detail('script', s.script, width, colors, true),
    detail('cwd', s.cwd, width, colors, true),
    detail('interpreter', interpreter(p, view), width, colors),
    detail('exec mode', `${s.execMode}, instance ${p.instance} of ${s.instances}`, width, colors),
    detail('uptime', uptime(p, view.now), width, colors),
    detail('restarts', `${p.restarts} (${p.unstableRestarts} unstable)`, width, colors),
    detail('last exit', lastExit(p, view), width, colors),
    sparkLine('cpu', h.cpu, p.cpu, 'cpu', width, colors),
    sparkLine('mem', h.memory, p.memory, 'memory', width, colors),
  ];
}

/**
 * A narrow screen's summary of the selection: one line of details, then (when `lines` allows)
 * the sparklines, side by side on 70 columns or more, else one per line.
 */
export function summaryLines(
  p: ProcessInfo | null,
  history: History | undefined,
  width: number,
  lines: number,
  view: PanelView,
): string[] {
  const { colors } = view;
  if (lines <= 0) return [];
  if (!p) return [new LineBuilder(width).add('no process selected', colors.dim).toString()];
  const h = history ?? NO_HISTORY;
  const facts = [
    p.pid === null ? null : `pid ${p.pid}`,
    p.spec.execMode,
    `up ${uptime(p, view.now)}`,
    `↺ ${p.restarts}`,
    p.lastExit ? `last exit ${formatExit(p.lastExit)}` : null,
    p.spec.interpreter,
  ].filter((fact): fact is string => fact !== null);
  const first = new LineBuilder(width)
    .add(`${p.name} (id ${p.id}) `, colors.bold)
    .add(p.status, statusColor(colors, p.status))
    .add(` · ${facts.join(' · ')}`)
    .toString();
  if (lines === 1) return [first];
  if (width >= 70 && lines === 2) {
    const half = Math.floor((width - 2) / 2);
    const cpu = sparkLine('cpu', h.cpu, p.cpu, 'cpu', half, colors);
    const mem = sparkLine('mem', h.memory, p.memory, 'memory', width - half - 2, colors);
    return [first, `${cpu}  ${mem}`];
  }
  return [
    first,
    sparkLine('cpu', h.cpu, p.cpu, 'cpu', width, colors),
    sparkLine('mem', h.memory, p.memory, 'memory', width, colors),
  ].slice(0, lines);
}
