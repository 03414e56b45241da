import { describe, expect, it } from 'vitest';
import { layout, type Size } from '../../src/cli/monit/layout.js';
import { applyKey, applyLogLine, applyProcesses, applySkipped, initialState, type MonitState } from '../../src/cli/monit/state.js';
import { stripAnsi, visibleWidth } from '../../src/cli/render/text.js';
import { PLAIN, type Palette } from '../../src/cli/render/colors.js';
import { buildAppSpec } from '../../src/core/app-spec.js';
import type { DaemonInfo, ProcessInfo } from '../../src/protocol/process-info.js';

const NOW = 1_700_000_000_000;
const ESC = String.fromCharCode(27);

/** A palette that marks every style with a distinct code, so tests see which style was used. */
const code = (n: number) => (text: string) => `${ESC}[${n}m${text}${ESC}[0m`;
const COLOURS: Palette = {
  enabled: true,
  bold: code(1),
  dim: code(2),
  red: code(31),
  green: code(32),
  yellow: code(33),
  cyan: code(36),
  grey: code(90),
};

function processInfo(id: number, name: string, overrides: Partial<ProcessInfo> = {}): ProcessInfo {
  return {
    id,
    name,
    instance: 0,
    status: 'online',
    pid: 4000 + id,
    restarts: 0,
    unstableRestarts: 0,
    createdAt: NOW - 600_000,
    startedAt: NOW - 125_000,
    lastExit: null,
    cpu: 1.5,
    memory: 31_457_280,
    spec: buildAppSpec({ script: `/srv/apps/${name}/server.js`, cwd: `/srv/apps/${name}` }, 4),
    ...overrides,
  } as ProcessInfo;
}

const DAEMON: DaemonInfo = { pid: 777, version: '0.1.0',
      nodeVersion: 'v20.20.2', nodeFlags: [], home: '/home/u/.tsm', startedAt: NOW - 7_200_000, rss: 52_428_800, processes: 3, sampleIntervalMs: 1000 };

const PROCESSES = [
  processInfo(0, 'api', { cpu: 12.5, restarts: 3, lastExit: { code: 1, signal: null, at: NOW - 130_000 } }),
  processInfo(1, 'worker'),
  processInfo(2, 'cron', {
    status: 'errored',
    pid: null,
    startedAt: null,
    cpu: null,
    memory: null,
    restarts: 16,
    lastExit: { code: null, signal: 'SIGSEGV', at: NOW - 5000 },
  }),
];

/** Three apps, api selected, a few seconds of samples, and lines from api and worker. */
function sampleState(): MonitState {
  let state = initialState();
  for (let i = 0; i < 5; i += 1) {
    const processes = PROCESSES.map((p) => (p.id === 0 ? { ...p, cpu: [2, 40, 80, 10, 12.5][i]! } : p));
    state = applyProcesses(state, { processes, daemon: DAEMON });
  }
  state = applyLogLine(state, { id: 0, name: 'api', stream: 'out', line: 'listening on 3000', at: NOW - 2000 });
  state = applyLogLine(state, { id: 0, name: 'api', stream: 'err', line: 'warning: slow query', at: NOW - 1000 });
  state = applyLogLine(state, { id: 1, name: 'worker', stream: 'out', line: 'job 17 done', at: NOW - 500 });
  return state;
}

const view = (colors: Palette = PLAIN) => ({ colors, now: NOW, formatTime: () => '12:34:56', nodeVersion: 'v20.11.0' });
const render = (state: MonitState, size: Size, colors: Palette = PLAIN) => layout(state, size, view(colors));
const plain = (lines: string[]) => lines.map(stripAnsi);

const SIZES: Size[] = [
  { columns: 120, rows: 40 },
  { columns: 80, rows: 24 },
  { columns: 40, rows: 12 },
  { columns: 100, rows: 16 },
  { columns: 200, rows: 60 },
  { columns: 60, rows: 8 },
  { columns: 20, rows: 5 },
  { columns: 10, rows: 3 },
  { columns: 5, rows: 1 },
];

describe('layout: the screen fits the terminal exactly', () => {
  const states: Array<[string, MonitState]> = [
    ['apps and logs', sampleState()],
    ['before the first table', initialState()],
    ['no apps', applyProcesses(initialState(), { processes: [], daemon: DAEMON })],
    ['a confirmation', applyKey(sampleState(), 'r', NOW).state],
    ['a filter being typed', applyKey(applyKey(sampleState(), '/', NOW).state, 'w', NOW).state],
  ];
  for (const [label, state] of states) {
    it.each(SIZES)(`${label} at %o: exactly rows lines of exactly columns visible columns`, (size) => {
      for (const colors of [PLAIN, COLOURS]) {
        const lines = render(state, size, colors);
        expect(lines).toHaveLength(size.rows);
        for (const line of lines) {
          expect(visibleWidth(line)).toBe(size.columns);
          expect(stripAnsi(line)).not.toMatch(/[\u0000-\u001f]/); // no stray control character, no newline
        }
      }
    });
  }

  it('uses no escape code at all without colour (NO_COLOR)', () => {
    for (const size of SIZES) for (const line of render(sampleState(), size)) expect(line).not.toContain(ESC);
  });
});

describe('layout at 120x40: list, side panel, logs', () => {
  const lines = plain(render(sampleState(), { columns: 120, rows: 40 }));
  const screen = lines.join('\n');

  it('has a header with the daemon figures and a footer with the keys', () => {
    expect(lines[0]).toMatch(/tsm monit\s+daemon pid 777 · up 2h · 3 apps · rss 50\.0mb · tsm 0\.1\.0 · \/home\/u\/\.tsm/);
    expect(lines[39]).toMatch(/^ q quit · ↑↓\/jk select · r restart · s stop · \/ filter\s*$/);
  });

  it('lists every process with all its columns, the selected one marked', () => {
    expect(lines[1]).toMatch(/^\s+id\s+name\s+mode\s+status\s+cpu\s+mem\s+↺\s+uptime\s+│/);
    expect(screen).toMatch(/^› +0 +api +fork +online +12\.5% +30\.0mb +3 +2m +│/m);
    expect(screen).toMatch(/^ {3}1 +worker +fork +online +1\.5% +30\.0mb +0 +2m +│/m);
    expect(screen).toMatch(/^ {3}2 +cron +fork +errored +- +- +16 +- +│/m);
  });

  it('shows the details of the selected process beside the list', () => {
    const panel = lines.slice(1, 12).map((line) => line.split('│ ')[1] ?? '');
    expect(panel[0]).toMatch(/^api \(id 0\) {2}online/);
    expect(panel).toContainEqual(expect.stringMatching(/^pid +4000/));
    expect(panel).toContainEqual(expect.stringMatching(/^script +\/srv\/apps\/api\/server\.js/));
    expect(panel).toContainEqual(expect.stringMatching(/^cwd +\/srv\/apps\/api/));
    expect(panel).toContainEqual(expect.stringMatching(/^interpreter +node v20\.11\.0/));
    expect(panel).toContainEqual(expect.stringMatching(/^exec mode +fork, instance 0 of 1/));
    expect(panel).toContainEqual(expect.stringMatching(/^uptime +2m/));
    expect(panel).toContainEqual(expect.stringMatching(/^restarts +3 \(0 unstable\)/));
    expect(panel).toContainEqual(expect.stringMatching(/^last exit +code 1 at 12:34:56/));
  });

  it('draws the cpu and memory history as sparklines, newest at the right', () => {
    expect(screen).toMatch(/cpu ▁▅█▂▂ 12\.5% max 80%/);
    expect(screen).toMatch(/mem █████ 30\.0mb max 30\.0mb/);
  });

  it('shows the selected process logs only, streams told apart', () => {
    expect(screen).toContain('── logs: api (id 0) ──');
    expect(screen).toMatch(/^ 12:34:56 out listening on 3000\s*$/m);
    expect(screen).toMatch(/^ 12:34:56 err warning: slow query\s*$/m);
    expect(screen).not.toContain('job 17 done');
  });
});

describe('layout when narrower or shorter', () => {
  it('at 80x24 drops the side panel for a summary line and sparklines under the list', () => {
    const lines = plain(render(sampleState(), { columns: 80, rows: 24 }));
    const screen = lines.join('\n');
    expect(screen).not.toContain('│');
    expect(screen).not.toContain('interpreter');
    expect(screen).toMatch(/^› +0 +api +fork +online +12\.5% +30\.0mb +3 +2m\s*$/m);
    expect(screen).toMatch(/^api \(id 0\) online · pid 4000 · fork · up 2m · ↺ 3 · last exit code 1 · node/m);
    expect(screen).toMatch(/^cpu ▁▅█▂▂ 12\.5% max 80% +mem █████ 30\.0mb/m);
    expect(screen).toMatch(/^ 12:34:56 err warning: slow query/m);
  });

  it('at 40x12 keeps name and status, drops the least useful columns, and still shows logs', () => {
    const lines = plain(render(sampleState(), { columns: 40, rows: 12 }));
    const screen = lines.join('\n');
    expect(lines[1]).not.toContain('mode');
    expect(lines[1]).not.toContain('uptime');
    expect(lines[1]).toMatch(/name/);
    expect(lines[1]).toMatch(/status/);
    expect(screen).toMatch(/^› +0 +api +online/m);
    expect(screen).toMatch(/^ {3}2 +cron +errored/m);
    expect(screen).toMatch(/^api \(id 0\) online · pid 4000/m);
    expect(screen).toContain('logs: api (id 0)');
    expect(screen).toMatch(/^ err warning: slow query/m); // no time stamp on a narrow screen
    expect(lines[11]).toMatch(/^ q quit/);
  });

  it('cuts a long log line with an ellipsis instead of wrapping it', () => {
    const state = applyLogLine(sampleState(), { id: 0, name: 'api', stream: 'out', line: `start ${'x'.repeat(300)} end`, at: NOW });
    const lines = plain(render(state, { columns: 80, rows: 24 }));
    const long = lines.find((line) => line.includes('start xxx'))!;
    expect(long).toMatch(/x…$/);
    expect(lines.join('\n')).not.toContain('end');
  });

  it('scrolls a long list to keep the selection in view', () => {
    const processes = Array.from({ length: 50 }, (_, id) => processInfo(id, `app${id}`));
    let state = applyProcesses(initialState(), { processes, daemon: DAEMON });
    for (let i = 0; i < 40; i += 1) state = applyKey(state, 'down', NOW).state;
    for (const size of [{ columns: 120, rows: 40 }, { columns: 80, rows: 24 }, { columns: 40, rows: 12 }]) {
      const screen = plain(render(state, size)).join('\n');
      expect(screen).toMatch(/^› +40 +app40 /m);
    }
  });
});

describe('layout: states and modes', () => {
  it('says when no app runs yet, and shows the daemon lines instead of an app', () => {
    let state = applyProcesses(initialState(), { processes: [], daemon: { ...DAEMON, processes: 0 } });
    state = applyLogLine(state, { id: -1, name: 'tsm', stream: 'daemon', line: 'daemon started', at: NOW });
    const screen = plain(render(state, { columns: 120, rows: 40 })).join('\n');
    expect(screen).toContain('no apps yet: start one with `tsm start <script>`');
    expect(screen).toContain('0 apps');
    expect(screen).toContain('logs: tsm daemon');
    expect(screen).toMatch(/tsm daemon started/);
  });

  it('says it waits before the first table arrives', () => {
    const screen = plain(render(initialState(), { columns: 80, rows: 24 })).join('\n');
    expect(screen).toContain('connecting to the daemon');
    expect(screen).toContain('waiting for the first table from the daemon');
  });

  it('asks for confirmation in the footer', () => {
    const lines = plain(render(applyKey(sampleState(), 's', NOW).state, { columns: 80, rows: 24 }));
    expect(lines[23]).toMatch(/^ stop api \(id 0\)\? y\/n/);
  });

  it('shows the filter being typed, and only the matching apps', () => {
    let state = applyKey(sampleState(), '/', NOW).state;
    for (const key of ['w', 'o']) state = applyKey(state, key, NOW).state;
    const lines = plain(render(state, { columns: 80, rows: 24 }));
    expect(lines[23]).toMatch(/^ filter: wo_ +Enter keeps it · Esc clears/);
    const screen = lines.join('\n');
    expect(screen).toMatch(/^› +1 +worker/m);
    expect(screen).not.toMatch(/ api /);
    const none = applyKey(state, 'z', NOW).state;
    expect(plain(render(none, { columns: 80, rows: 24 })).join('\n')).toContain('no app matches "woz" (Esc clears the filter)');
  });

  it('shows a notice for a few seconds', () => {
    const state = applyKey(applyKey(sampleState(), 'r', NOW).state, 'y', NOW).state;
    expect(plain(layout(state, { columns: 80, rows: 24 }, { ...view(), now: NOW + 1000 }))[23]).toMatch(/restarting api \(id 0\)…/);
    expect(plain(layout(state, { columns: 80, rows: 24 }, { ...view(), now: NOW + 6000 }))[23]).not.toMatch(/restarting/);
  });

  it('tells how many lines the daemon skipped', () => {
    const screen = plain(render(applySkipped(sampleState(), 42), { columns: 120, rows: 40 })).join('\n');
    expect(screen).toMatch(/logs: api \(id 0\) ─+ 42 lines skipped/);
  });

  it('makes errored and stopped apps stand out, and stderr lines red', () => {
    const state = applyProcesses(sampleState(), {
      processes: [...PROCESSES, processInfo(3, 'batch', { status: 'stopped', pid: null, startedAt: null, cpu: null, memory: null })],
      daemon: DAEMON,
    });
    const lines = render(state, { columns: 120, rows: 40 }, COLOURS);
    const cron = lines.find((line) => stripAnsi(line).includes(' cron '))!;
    expect(cron).toContain(`${ESC}[31mcron`);
    expect(cron).toContain(`${ESC}[1m${ESC}[31merrored`);
    const batch = lines.find((line) => stripAnsi(line).includes(' batch '))!;
    expect(batch).toContain(`${ESC}[90mstopped`);
    const err = lines.find((line) => stripAnsi(line).includes('slow query'))!;
    expect(err).toContain(`${ESC}[31mwarning: slow query`);
  });
});
