import type { LogLine } from '../../protocol/events.js';
import type { DaemonInfo, ProcessInfo } from '../../protocol/process-info.js';
import { sanitizeLine } from '../render/text.js';

/** CPU and memory samples kept per process: one a second, a minute of history. */
export const HISTORY_SAMPLES = 60;
/** Log lines kept per process id: enough to fill a tall log pane. */
export const LOG_LINES_KEPT = 200;
/** The daemon's own lines are kept under this id, as the daemon sends them. */
export const DAEMON_LOG_ID = -1;

export interface LogEntry {
  stream: 'out' | 'err' | 'daemon';
  text: string;
  at: number;
}

export interface History {
  cpu: readonly (number | null)[];
  memory: readonly (number | null)[];
}

export type Action = 'restart' | 'stop';

export type Mode =
  | { kind: 'normal' }
  | { kind: 'filter'; draft: string }
  | { kind: 'confirm'; action: Action; id: number; name: string };

export interface Notice {
  text: string;
  error: boolean;
  at: number;
}

/** Everything the screen shows, and nothing else: the layout is a function of this. */
export interface MonitState {
  /** False until the daemon's first table arrives. */
  received: boolean;
  /** Sorted by id. */
  processes: readonly ProcessInfo[];
  daemon: DaemonInfo | null;
  history: ReadonlyMap<number, History>;
  logs: ReadonlyMap<number, readonly LogEntry[]>;
  selectedId: number | null;
  /** Applied to names, case-insensitively; '' shows every app. */
  filter: string;
  mode: Mode;
  notice: Notice | null;
  /** Lines the daemon dropped because this client read too slowly. */
  skippedLines: number;
}

/** What the wiring must do after a key: the reducers themselves never do I/O. */
export type Effect = { kind: 'quit' } | { kind: Action; id: number; name: string };

export function initialState(): MonitState {
  return {
    received: false,
    processes: [],
    daemon: null,
    history: new Map(),
    logs: new Map(),
    selectedId: null,
    filter: '',
    mode: { kind: 'normal' },
    notice: null,
    skippedLines: 0,
  };
}

/** The processes the list shows: those whose name matches the filter. */
export function visibleProcesses(state: MonitState): readonly ProcessInfo[] {
  const needle = state.filter.toLowerCase();
  if (needle === '') return state.processes;
  return state.processes.filter((p) => p.name.toLowerCase().includes(needle));
}

export function selectedProcess(state: MonitState): ProcessInfo | null {
  return state.processes.find((p) => p.id === state.selectedId) ?? null;
}

/** Keeps the selection on a visible process: the same id if still shown, else the first. */
function withValidSelection(state: MonitState): MonitState {
  const visible = visibleProcesses(state);
  if (visible.some((p) => p.id === state.selectedId)) return state;
  return { ...state, selectedId: visible[0]?.id ?? null };
}

function pushCapped<T>(list: readonly T[] | undefined, item: T, cap: number): T[] {
  const next = list ? [...list, item] : [item];
  return next.length > cap ? next.slice(next.length - cap) : next;
}

/**
 * A table pushed by the daemon (about once a second): the list, one history sample per process,
 * and the history and logs of processes that are gone are dropped.
 */
export function applyProcesses(state: MonitState, event: { processes: ProcessInfo[]; daemon: DaemonInfo }): MonitState {
  const processes = [...event.processes].sort((a, b) => a.id - b.id);
  const history = new Map<number, History>();
  for (const p of processes) {
    const before = state.history.get(p.id);
    const running = p.pid !== null;
    history.set(p.id, {
      cpu: pushCapped(before?.cpu, running ? p.cpu : null, HISTORY_SAMPLES),
      memory: pushCapped(before?.memory, running ? p.memory : null, HISTORY_SAMPLES),
    });
  }
  const ids = new Set(processes.map((p) => p.id));
  const logs = new Map([...state.logs].filter(([id]) => id === DAEMON_LOG_ID || ids.has(id)));
  return withValidSelection({ ...state, received: true, processes, daemon: event.daemon, history, logs });
}

export function applyLogLine(state: MonitState, line: LogLine): MonitState {
  const id = line.stream === 'daemon' ? DAEMON_LOG_ID : line.id;
  const entry: LogEntry = { stream: line.stream, text: sanitizeLine(line.line), at: line.at };
  const logs = new Map(state.logs);
  logs.set(id, pushCapped(state.logs.get(id), entry, LOG_LINES_KEPT));
  return { ...state, logs };
}

export function applySkipped(state: MonitState, count: number): MonitState {
  return { ...state, skippedLines: state.skippedLines + count };
}

export function applyNotice(state: MonitState, text: string, error: boolean, now: number): MonitState {
  return { ...state, notice: { text, error, at: now } };
}

function moveSelection(state: MonitState, delta: number): MonitState {
  const visible = visibleProcesses(state);
  if (visible.length === 0) return state;
  const index = visible.findIndex((p) => p.id === state.selectedId);
  const next = Math.max(0, Math.min(visible.length - 1, (index === -1 ? 0 : index) + delta));
  return { ...state, selectedId: visible[next]!.id };
}

function askToConfirm(state: MonitState, action: Action, now: number): MonitState {
  const selected = selectedProcess(state);
  if (!selected) return applyNotice(state, `nothing selected to ${action}`, true, now);
  return { ...state, mode: { kind: 'confirm', action, id: selected.id, name: selected.name }, notice: null };
}

export interface KeyResult {
  state: MonitState;
  effect: Effect | null;
}

/** One key, in the current mode. Ctrl-C quits from every mode. */
export function applyKey(state: MonitState, key: string, now: number): KeyResult {
  if (key === 'ctrl-c') return { state, effect: { kind: 'quit' } };
  switch (state.mode.kind) {
    case 'confirm':
      return confirmKey(state, state.mode, key, now);
    case 'filter':
      return { state: filterKey(state, state.mode.draft, key), effect: null };
    default:
      return normalKey(state, key, now);
  }
}

const PAGE = 10;

function normalKey(state: MonitState, key: string, now: number): KeyResult {
  const keep = (next: MonitState): KeyResult => ({ state: next, effect: null });
  switch (key) {
    case 'q':
      return { state, effect: { kind: 'quit' } };
    case 'up':
    case 'k':
      return keep(moveSelection(state, -1));
    case 'down':
    case 'j':
      return keep(moveSelection(state, 1));
    case 'pageup':
      return keep(moveSelection(state, -PAGE));
    case 'pagedown':
      return keep(moveSelection(state, PAGE));
    case 'home':
    case 'g':
      return keep(moveSelection(state, -Infinity));
    case 'end':
    case 'G':
      return keep(moveSelection(state, Infinity));
    case 'r':
      return keep(askToConfirm(state, 'restart', now));
    case 's':
      return keep(askToConfirm(state, 'stop', now));
    case '/':
      return keep({ ...state, mode: { kind: 'filter', draft: state.filter }, notice: null });
    case 'escape':
      return keep(withValidSelection({ ...state, filter: '', notice: null }));
    default:
      return keep(state);
  }
}

/** The filter applies as it is typed; Enter keeps it, Esc clears it. */
function filterKey(state: MonitState, draft: string, key: string): MonitState {
  const typed = (next: string): MonitState =>
    withValidSelection({ ...state, filter: next, mode: { kind: 'filter', draft: next } });
  if (key === 'enter') return { ...state, mode: { kind: 'normal' } };
  if (key === 'escape') return withValidSelection({ ...state, filter: '', mode: { kind: 'normal' } });
  if (key === 'backspace') return typed([...draft].slice(0, -1).join(''));
  if (key === 'up' || key === 'down') return moveSelection(state, key === 'up' ? -1 : 1);
  if ([...key].length === 1) return typed(draft + key);
  return state;
}

function confirmKey(
  state: MonitState,
  mode: Extract<Mode, { kind: 'confirm' }>,
  key: string,
  now: number,
): KeyResult {
  const normal: MonitState = { ...state, mode: { kind: 'normal' } };
  if (key === 'y' || key === 'Y') {
    const verb = mode.action === 'restart' ? 'restarting' : 'stopping';
    return {
      state: applyNotice(normal, `${verb} ${mode.name} (id ${mode.id})…`, false, now),
      effect: { kind: mode.action, id: mode.id, name: mode.name },
    };
  }
  return { state: applyNotice(normal, `${mode.action} cancelled`, false, now), effect: null };
}
