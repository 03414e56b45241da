import type { Palette } from '../render/colors.js';
import { formatBytes, formatUptime } from '../render/format.js';
import type { MonitState } from './state.js';
import { LineBuilder } from '../render/text.js';

/** How long a notice ("restarted web (id 0)") stays in the footer. */
export const NOTICE_MS = 5000;

/** The daemon's own figures: pid, uptime, apps and processes, RSS. */
export function headerLine(state: MonitState, width: number, colors: Palette, now: number): string {
  const line = new LineBuilder(width).add(' tsm monit ', (t) => colors.bold(colors.cyan(t)));
  const d = state.daemon;
  if (!d) return line.add(' connecting to the daemon…', colors.dim).toString();
  const apps = new Set(state.processes.map((p) => p.name)).size;
  const count =
    apps === state.processes.length ? `${apps} app${apps === 1 ? '' : 's'}` : `${apps} apps, ${state.processes.length} processes`;
  const facts = [`daemon pid ${d.pid}`, `up ${formatUptime(Math.max(0, now - d.startedAt))}`, count, `rss ${formatBytes(d.rss)}`];
  if (state.filter !== '') facts.push(`filter "${state.filter}"`);
  facts.push(`tsm ${d.version}`, d.home);
  return line.add(` ${facts.join(' · ')}`).toString();
}

/** Most needed first: on a narrow screen the hints that do not fit are left out whole. */
const KEYS = ['q quit', '↑↓/jk select', 'r restart', 's stop', '/ filter'];

/** The keys, or what the current mode asks for: a confirmation, the filter being typed. */
export function footerLine(state: MonitState, width: number, colors: Palette, now: number): string {
  const line = new LineBuilder(width).add(' ');
  const mode = state.mode;
  if (mode.kind === 'confirm') {
    return line.add(`${mode.action} ${mode.name} (id ${mode.id})? y/n`, (t) => colors.bold(colors.yellow(t))).toString();
  }
  if (mode.kind === 'filter') {
    return line
      .add('filter: ', colors.cyan)
      .add(`${mode.draft}_`, colors.bold)
      .add('   Enter keeps it · Esc clears', colors.dim)
      .toString();
  }
  const notice = state.notice && now - state.notice.at < NOTICE_MS ? state.notice : null;
  if (notice) line.add(notice.text, notice.error ? colors.red : colors.green).add('   ');
  const hints = state.filter === '' ? KEYS : [...KEYS, 'Esc clear filter'];
  let keys = '';
  for (const hint of hints) {
    const next = keys === '' ? hint : `${keys} · ${hint}`;
    if (next.length > line.remaining && keys !== '') break;
    keys = next;
  }
  return line.add(keys, colors.dim).toString();
}
