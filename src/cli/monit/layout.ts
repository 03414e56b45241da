import type { Palette } from '../render/colors.js';
import { footerLine, headerLine } from './chrome.js';
import { logLines, logTitleLine } from './log-pane.js';
import { emptyListLines, processListLines } from './process-list.js';
import { PANEL_HEIGHT, panelLines, summaryLines, type PanelView } from './process-panel.js';
import { DAEMON_LOG_ID, selectedProcess, visibleProcesses, type MonitState } from './state.js';
import { LineBuilder } from '../render/text.js';

export interface Size {
  columns: number;
  rows: number;
}

export interface View {
  colors: Palette;
  now: number;
  nodeVersion?: string | null;
  /** Log and exit times; local HH:MM:SS unless a test fixes it. */
  formatTime?: (at: number) => string;
}

/** From this width the details and sparklines sit beside the list; below, under it. */
export const WIDE_COLUMNS = 100;

const localTime = (at: number): string => new Date(at).toTimeString().slice(0, 8);

/**
 * The whole screen as a pure function of the state: exactly `rows` lines, each exactly `columns`
 * visible columns (ANSI codes aside). A narrow screen drops list columns and the side panel, a
 * short one drops the summary and shortens the log pane: nothing ever wraps.
 */
export function layout(state: MonitState, size: Size, view: View): string[] {
  const width = Math.max(0, Math.floor(size.columns));
  const rows = Math.max(0, Math.floor(size.rows));
  const panelView: PanelView = {
    colors: view.colors,
    now: view.now,
    nodeVersion: view.nodeVersion ?? null,
    formatTime: view.formatTime ?? localTime,
  };
  const header = headerLine(state, width, view.colors, view.now);
  const footer = footerLine(state, width, view.colors, view.now);
  if (rows <= 2) return [header, footer].slice(0, rows);
  const body = rows - 2;
  const wide = width >= WIDE_COLUMNS && body >= PANEL_HEIGHT + 4;
  const lines = wide ? wideBody(state, width, body, panelView) : narrowBody(state, width, body, panelView);
  return [header, ...exactly(lines, body, width), footer];
}

function exactly(lines: string[], count: number, width: number): string[] {
  const blank = new LineBuilder(width).toString();
  return [...lines.slice(0, count), ...Array<string>(Math.max(0, count - lines.length)).fill(blank)];
}

function listLines(state: MonitState, width: number, height: number, view: PanelView): string[] {
  const visible = visibleProcesses(state);
  if (visible.length > 0) return processListLines(visible, state.selectedId, width, height, view.colors, view.now);
  let message = 'waiting for the first table from the daemon…';
  if (state.received && state.processes.length === 0) message = 'no apps yet: start one with `tsm start <script>`';
  else if (state.received) message = `no app matches "${state.filter}" (Esc clears the filter)`;
  return emptyListLines(message, width, view.colors);
}

function logSection(state: MonitState, width: number, height: number, view: PanelView): string[] {
  if (height < 2) return [];
  const selected = selectedProcess(state);
  const subject = selected ? `${selected.name} (id ${selected.id})` : 'tsm daemon';
  const entries = state.logs.get(selected ? selected.id : DAEMON_LOG_ID) ?? [];
  return [
    logTitleLine(subject, state.skippedLines, width, view.colors),
    ...logLines(entries, width, height - 1, view.colors, view.formatTime),
  ];
}

/** The list on the left, the details panel on the right, the logs across the bottom. */
function wideBody(state: MonitState, width: number, body: number, view: PanelView): string[] {
  const panelWidth = Math.max(38, Math.min(60, Math.floor(width * 0.4)));
  const listWidth = width - panelWidth - 3;
  const listNeeded = 1 + Math.max(1, visibleProcesses(state).length);
  const top = Math.min(Math.max(listNeeded, PANEL_HEIGHT), Math.max(PANEL_HEIGHT, Math.floor(body * 0.6)), body - 3);
  const left = exactly(listLines(state, listWidth, top, view), top, listWidth);
  const selected = selectedProcess(state);
  const right = exactly(panelLines(selected, selected ? state.history.get(selected.id) : undefined, panelWidth, view), top, panelWidth);
  const separator = view.colors.grey(' │ ');
  const upper = left.map((line, i) => `${line}${separator}${right[i]}`);
  return [...upper, ...logSection(state, width, body - top, view)];
}

/** Everything stacked: the list, a short summary of the selection, the logs. */
function narrowBody(state: MonitState, width: number, body: number, view: PanelView): string[] {
  const summaryHeight = body >= 16 ? (width >= 70 ? 2 : 3) : body >= 8 ? 1 : 0;
  const rest = body - summaryHeight;
  const listNeeded = 1 + Math.max(1, visibleProcesses(state).length);
  let listHeight = Math.min(listNeeded, Math.max(2, Math.floor(rest * 0.5)));
  if (rest - listHeight < 2) listHeight = rest; // no room for a useful log pane: the list takes it all
  const selected = selectedProcess(state);
  return [
    ...exactly(listLines(state, width, listHeight, view), listHeight, width),
    ...exactly(summaryLines(selected, selected ? state.history.get(selected.id) : undefined, width, summaryHeight, view), summaryHeight, width),
    ...logSection(state, width, rest - listHeight, view),
  ];
}
