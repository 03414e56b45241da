import { describe, expect, it } from 'vitest';
import {
  applyKey,
  applyLogLine,
  applyProcesses,
  applySkipped,
  DAEMON_LOG_ID,
  HISTORY_SAMPLES,
  initialState,
  LOG_LINES_KEPT,
  visibleProcesses,
  type MonitState,
} from '../../src/cli/monit/state.js';
import { buildAppSpec } from '../../src/core/app-spec.js';
import type { DaemonInfo, ProcessInfo } from '../../src/protocol/process-info.js';

const NOW = 1_700_000_000_000;
const DAEMON: DaemonInfo = { pid: 1, version: '0.1.0',
      nodeVersion: 'v20.20.2', nodeFlags: [], home: '/h', startedAt: NOW, rss: 1, processes: 0, sampleIntervalMs: null };

function proc(id: number, name: string, overrides: Partial<ProcessInfo> = {}): ProcessInfo {
  return {
    id,
    name,
    instance: 0,
    status: 'online',
    pid: 100 + id,
    restarts: 0,
    unstableRestarts: 0,
    createdAt: NOW,
    startedAt: NOW,
    lastExit: null,
    cpu: 1,
    memory: 1000,
    spec: buildAppSpec({ script: `/srv/${name}.js` }, 4),
    ...overrides,
  } as ProcessInfo;
}

const table = (state: MonitState, processes: ProcessInfo[]) => applyProcesses(state, { processes, daemon: DAEMON });
const keys = (state: MonitState, ...pressed: string[]) => pressed.reduce((s, key) => applyKey(s, key, NOW).state, state);
const line = (id: number, text: string, stream: 'out' | 'err' | 'daemon' = 'out') => ({ id, name: `app${id}`, stream, line: text, at: NOW });

describe('processes events', () => {
  it('sorts by id, selects the first process, and keeps the daemon info', () => {
    const state = table(initialState(), [proc(2, 'c'), proc(0, 'a'), proc(1, 'b')]);
    expect(state.received).toBe(true);
    expect(state.processes.map((p) => p.id)).toEqual([0, 1, 2]);
    expect(state.selectedId).toBe(0);
    expect(state.daemon).toEqual(DAEMON);
  });

  it('keeps a minute of cpu and memory samples per process, blanks while not running', () => {
    let state = initialState();
    for (let i = 0; i < HISTORY_SAMPLES + 10; i += 1) state = table(state, [proc(0, 'a', { cpu: i, memory: i * 10 })]);
    state = table(state, [proc(0, 'a', { status: 'stopped', pid: null, cpu: null, memory: null })]);
    const history = state.history.get(0)!;
    expect(history.cpu).toHaveLength(HISTORY_SAMPLES);
    expect(history.cpu.at(-2)).toBe(HISTORY_SAMPLES + 9);
    expect(history.memory.at(-2)).toBe((HISTORY_SAMPLES + 9) * 10);
    expect(history.cpu.at(-1)).toBeNull();
    expect(history.memory.at(-1)).toBeNull();
  });

  it('keeps the selection on the same id when the list changes, and moves it when that id is gone', () => {
    let state = table(initialState(), [proc(0, 'a'), proc(1, 'b'), proc(2, 'c')]);
    state = keys(state, 'down', 'down');
    expect(state.selectedId).toBe(2);
    state = table(state, [proc(2, 'c'), proc(3, 'd')]);
    expect(state.selectedId).toBe(2);
    state = table(state, [proc(3, 'd')]);
    expect(state.selectedId).toBe(3);
    state = table(state, []);
    expect(state.selectedId).toBeNull();
  });

  it('forgets the history and lines of deleted processes, not the daemon lines', () => {
    let state = table(initialState(), [proc(0, 'a'), proc(1, 'b')]);
    state = applyLogLine(state, line(0, 'from a'));
    state = applyLogLine(state, line(1, 'from b'));
    state = applyLogLine(state, line(DAEMON_LOG_ID, 'daemon says', 'daemon'));
    state = table(state, [proc(1, 'b')]);
    expect([...state.history.keys()]).toEqual([1]);
    expect([...state.logs.keys()].sort()).toEqual([DAEMON_LOG_ID, 1].sort());
  });
});

describe('log lines', () => {
  it('keeps the last lines per process, cleaned of escape codes and control characters', () => {
    let state = initialState();
    for (let i = 0; i < LOG_LINES_KEPT + 5; i += 1) state = applyLogLine(state, line(0, `line ${i}`));
    state = applyLogLine(state, line(0, '\u001b[31mred\u001b[0m\ttab\u0007 bell', 'err'));
    state = applyLogLine(state, line(0, 'progress 10%\rprogress 90%\r'));
    const entries = state.logs.get(0)!;
    expect(entries).toHaveLength(LOG_LINES_KEPT);
    expect(entries.at(-2)).toMatchObject({ stream: 'err', text: 'red    tab bell' });
    expect(entries.at(-1)!.text).toBe('progress 90%');
    expect(entries[0]!.text).toBe('line 7');
  });

  it('files the daemon lines under their own id', () => {
    const state = applyLogLine(initialState(), { id: -1, name: 'tsm', stream: 'daemon', line: 'hello', at: NOW });
    expect(state.logs.get(DAEMON_LOG_ID)).toEqual([{ stream: 'daemon', text: 'hello', at: NOW }]);
  });

  it('counts skipped lines', () => {
    expect(applySkipped(applySkipped(initialState(), 3), 4).skippedLines).toBe(7);
  });
});

describe('keys', () => {
  const three = () => table(initialState(), [proc(0, 'api'), proc(1, 'worker'), proc(2, 'web')]);

  it('moves the selection with arrows and j/k, within bounds', () => {
    expect(keys(three(), 'down').selectedId).toBe(1);
    expect(keys(three(), 'j', 'j', 'j', 'j').selectedId).toBe(2);
    expect(keys(three(), 'j', 'j', 'k').selectedId).toBe(1);
    expect(keys(three(), 'up', 'k').selectedId).toBe(0);
    expect(keys(three(), 'end').selectedId).toBe(2);
    expect(keys(three(), 'G', 'home').selectedId).toBe(0);
  });

  it('quits on q and on Ctrl-C, in every mode', () => {
    expect(applyKey(three(), 'q', NOW).effect).toEqual({ kind: 'quit' });
    expect(applyKey(three(), 'ctrl-c', NOW).effect).toEqual({ kind: 'quit' });
    expect(applyKey(keys(three(), '/'), 'ctrl-c', NOW).effect).toEqual({ kind: 'quit' });
    expect(applyKey(keys(three(), 'r'), 'ctrl-c', NOW).effect).toEqual({ kind: 'quit' });
  });

  it('restarts or stops the selected process only after y', () => {
    const asked = keys(three(), 'j', 'r');
    expect(asked.mode).toEqual({ kind: 'confirm', action: 'restart', id: 1, name: 'worker' });
    const yes = applyKey(asked, 'y', NOW);
    expect(yes.effect).toEqual({ kind: 'restart', id: 1, name: 'worker' });
    expect(yes.state.mode).toEqual({ kind: 'normal' });
    expect(yes.state.notice).toMatchObject({ text: 'restarting worker (id 1)…', error: false });
    const no = applyKey(keys(three(), 's'), 'n', NOW);
    expect(no.effect).toBeNull();
    expect(no.state.notice?.text).toBe('stop cancelled');
    expect(applyKey(keys(three(), 's'), 'q', NOW).effect).toBeNull(); // q answers no, it does not quit
    expect(applyKey(keys(three(), 's'), 'Y', NOW).effect).toEqual({ kind: 'stop', id: 0, name: 'api' });
  });

  it('says there is nothing to restart when no process is selected', () => {
    const state = keys(table(initialState(), []), 'r');
    expect(state.mode.kind).toBe('normal');
    expect(state.notice).toMatchObject({ error: true, text: 'nothing selected to restart' });
  });

  it('filters by name as typed; Enter keeps the filter, Esc clears it', () => {
    let state = keys(three(), '/', 'W');
    expect(state.mode).toEqual({ kind: 'filter', draft: 'W' });
    expect(visibleProcesses(state).map((p) => p.name)).toEqual(['worker', 'web']);
    expect(state.selectedId).toBe(1);
    state = keys(state, 'e', 'backspace', 'o', 'q'); // q is text while typing
    expect(state.filter).toBe('Woq');
    expect(visibleProcesses(state)).toEqual([]);
    state = keys(state, 'backspace', 'enter');
    expect(state.mode).toEqual({ kind: 'normal' });
    expect(state.filter).toBe('Wo');
    expect(visibleProcesses(state).map((p) => p.name)).toEqual(['worker']);
    expect(keys(state, 'j').selectedId).toBe(1); // moves within the filtered list only
    const cleared = keys(state, 'escape');
    expect(cleared.filter).toBe('');
    expect(visibleProcesses(cleared)).toHaveLength(3);
    expect(keys(three(), '/', 'w', 'escape').filter).toBe('');
  });
});
