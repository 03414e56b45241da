import { describe, expect, it } from 'vitest';
import { colorLevel, PLAIN, type Palette } from '../../src/cli/render/colors.js';
import { formatBytes, formatExit, formatUptime } from '../../src/cli/render/format.js';
import { toPm2Json } from '../../src/cli/render/pm2-json.js';
import { renderProcessDetails } from '../../src/cli/render/details.js';
import { renderProcessTable } from '../../src/cli/render/process-table.js';
import { stripAnsi, visibleWidth } from '../../src/cli/render/text.js';
import { toStartInput, type StartFlags } from '../../src/cli/start-input.js';
import { buildAppSpec } from '../../src/core/app-spec.js';
import { TsmError } from '../../src/core/errors.js';
import type { Status } from '../../src/core/status.js';
import type { ProcessInfo } from '../../src/protocol/process-info.js';

const ESC = String.fromCharCode(27);
const NOW = 1_700_000_000_000;

function processInfo(overrides: Partial<ProcessInfo> = {}): ProcessInfo {
  return {
    id: 0,
    name: 'web',
    instance: 0,
    status: 'online',
    pid: 4321,
    restarts: 2,
    unstableRestarts: 1,
    createdAt: NOW - 3_600_000,
    startedAt: NOW - 90_000,
    lastExit: { code: 1, signal: null, at: NOW - 91_000 },
    cpu: 12.5,
    memory: 31_457_280,
    outLog: '/h/logs/web-out-0.log',
    errLog: '/h/logs/web-error-0.log',
    combinedLog: null,
    restartCause: null,
    pidFile: null,
    spec: buildAppSpec({ script: '/srv/web.js', instances: 2, nodeArgs: ['--inspect'], args: ['-p', '3000'] }, 4),
    ...overrides,
  };
}

describe('renderProcessTable', () => {
  const table = renderProcessTable(
    [
      processInfo({ id: 1, instance: 1, pid: 4322, restarts: 0, cpu: 0, memory: 2048 }),
      processInfo(),
      processInfo({ id: 2, name: 'job', status: 'stopped', pid: null, startedAt: null, cpu: null, memory: null }),
    ],
    PLAIN,
    NOW,
  );
  const lines = table.split('\n');

  it('has the column headers PM2 users read', () => {
    const header = lines.find((line) => line.includes('name'))!;
    const columns = header.split('│').map((cell) => cell.trim()).filter((cell) => cell !== '');
    expect(columns).toEqual(['id', 'name', 'mode', 'pid', 'status', '↺', 'uptime', 'cpu', 'mem']);
  });

  it('has one row per process, sorted by id, with human units', () => {
    const rows = lines
      .filter((line) => /^│ \d/.test(line))
      .map((line) => line.split('│').map((cell) => cell.trim()).filter((cell) => cell !== ''));
    expect(rows).toEqual([
      ['0', 'web', 'cluster', '4321', 'online', '2', '1m', '12.5%', '30.0mb'],
      ['1', 'web', 'cluster', '4322', 'online', '0', '1m', '0%', '2.0kb'],
      ['2', 'job', 'cluster', '-', 'stopped', '2', '-', '-', '-'],
    ]);
  });

  it('has no escape codes with the PLAIN palette', () => {
    expect(table).not.toContain(ESC);
  });

  it('is just the header for no processes', () => {
    const empty = renderProcessTable([], PLAIN, NOW);
    expect(empty).toContain('status');
    expect(empty.split('\n').filter((line) => /^│ \d/.test(line))).toEqual([]);
  });
});

describe('tables drawn with cli-table3', () => {
  const bracket = (open: string, close: string) => (text: string) => `${ESC}[${open}m${text}${ESC}[${close}m`;
  const COLOURED: Palette = {
    enabled: true,
    bold: bracket('1', '22'),
    dim: bracket('2', '22'),
    red: bracket('31', '39'),
    green: bracket('32', '39'),
    yellow: bracket('33', '39'),
    cyan: bracket('36', '39'),
    grey: bracket('90', '39'),
  };
  const apps = [
    processInfo({ id: 0, name: '日本語アプリ' }),
    processInfo({ id: 1, name: 'web🌐' }),
    processInfo({ id: 2, name: 'café-api', status: 'errored' }),
  ];

  it('keeps every line of the list the same width with wide and accented names', () => {
    for (const palette of [PLAIN, COLOURED]) {
      const widths = new Set(renderProcessTable(apps, palette, NOW).split('\n').map(visibleWidth));
      expect(widths.size).toBe(1);
    }
  });

  it('draws the same text with colour on as with it off, only with escape codes added', () => {
    const coloured = renderProcessTable(apps, COLOURED, NOW);
    expect(coloured).toContain(ESC);
    expect(stripAnsi(coloured)).toBe(renderProcessTable(apps, PLAIN, NOW));
  });

  it('has no line between rows, one under the header', () => {
    const lines = renderProcessTable(apps, PLAIN, NOW).split('\n');
    expect(lines.map((line) => line[0])).toEqual(['┌', '│', '├', '│', '│', '│', '└']);
  });

  it('shows one process as aligned key/value rows, plain without colour', () => {
    const text = renderProcessDetails(processInfo({ name: '日本語アプリ' }), PLAIN, NOW);
    expect(text).not.toContain(ESC);
    const box = text.split('\n').slice(1);
    expect(new Set(box.map(visibleWidth)).size).toBe(1);
    expect(box).toContain(box.find((line) => /^│ status +│ online +│$/.test(line)));
    const coloured = renderProcessDetails(processInfo({ name: '日本語アプリ' }), COLOURED, NOW);
    expect(stripAnsi(coloured)).toBe(text);
  });
});

describe('formatUptime', () => {
  it.each([
    [0, '0s'],
    [999, '0s'],
    [59_999, '59s'],
    [60_000, '1m'],
    [3_599_999, '59m'],
    [3_600_000, '1h'],
    [86_399_999, '23h'],
    [86_400_000, '1D'],
    [10 * 86_400_000, '10D'],
  ])('%d ms is %s', (ms, text) => {
    expect(formatUptime(ms)).toBe(text);
  });
});

describe('formatBytes', () => {
  it.each([
    [0, '0b'],
    [1023, '1023b'],
    [1024, '1.0kb'],
    [1536, '1.5kb'],
    [1024 * 1024, '1.0mb'],
    [31_457_280, '30.0mb'],
    [1024 ** 3, '1.00gb'],
    [1.5 * 1024 ** 3, '1.50gb'],
  ])('%d bytes is %s', (bytes, text) => {
    expect(formatBytes(bytes)).toBe(text);
  });
});

describe('formatExit', () => {
  it('says how a process last ended', () => {
    expect(formatExit(null)).toBe('-');
    expect(formatExit({ code: 3, signal: null })).toBe('code 3');
    expect(formatExit({ code: null, signal: 'SIGKILL' })).toBe('signal SIGKILL');
    expect(formatExit({ code: null, signal: null, error: 'spawn python4 ENOENT' })).toBe(
      'not started: spawn python4 ENOENT',
    );
  });
});

describe('colorLevel', () => {
  const tty = { write: () => true, isTTY: true };
  const pipe = { write: () => true, isTTY: false };

  it('no colour when stdout is not a terminal', () => {
    expect(colorLevel({}, pipe)).toBe(0);
    expect(colorLevel({}, { write: () => true })).toBe(0);
  });

  it('colour on a terminal', () => {
    expect(colorLevel({}, tty)).toBeGreaterThan(0);
    expect(colorLevel({ COLORTERM: 'truecolor' }, tty)).toBe(3);
  });

  it('no colour with NO_COLOR, even on a terminal, unless it is empty', () => {
    expect(colorLevel({ NO_COLOR: '1' }, tty)).toBe(0);
    expect(colorLevel({ NO_COLOR: '' }, tty)).toBeGreaterThan(0);
  });

  it('no colour on a dumb terminal', () => {
    expect(colorLevel({ TERM: 'dumb' }, tty)).toBe(0);
  });

  it('FORCE_COLOR wins over NO_COLOR and a pipe', () => {
    expect(colorLevel({ FORCE_COLOR: '0' }, tty)).toBe(0);
    expect(colorLevel({ FORCE_COLOR: 'false' }, tty)).toBe(0);
    expect(colorLevel({ FORCE_COLOR: '1' }, pipe)).toBe(1);
    expect(colorLevel({ FORCE_COLOR: '3' }, pipe)).toBe(3);
    expect(colorLevel({ FORCE_COLOR: '1', NO_COLOR: '1' }, pipe)).toBe(1);
    expect(colorLevel({ FORCE_COLOR: '0', NO_COLOR: '' }, tty)).toBe(0);
  });
});

describe('toPm2Json', () => {
  it("uses PM2's field names", () => {
    const json = toPm2Json(processInfo());
    expect(json).toMatchObject({
      pid: 4321,
      name: 'web',
      pm_id: 0,
      monit: { cpu: 12.5, memory: 31_457_280 },
      pm2_env: {
        name: 'web',
        status: 'online',
        restart_time: 2,
        unstable_restarts: 1,
        exec_mode: 'cluster_mode',
        instances: 2,
        NODE_APP_INSTANCE: 0,
        pm_id: 0,
        pm_uptime: NOW - 90_000,
        created_at: NOW - 3_600_000,
        pm_exec_path: '/srv/web.js',
        exec_interpreter: 'node',
        node_args: ['--inspect'],
        args: ['-p', '3000'],
        pm_out_log_path: '/h/logs/web-out-0.log',
        pm_err_log_path: '/h/logs/web-error-0.log',
        autorestart: true,
        max_restarts: 16,
        min_uptime: 1000,
        kill_timeout: 5000,
        exit_code: 1,
      },
    });
  });

  it.each([
    ['launching', 'launching'],
    ['online', 'online'],
    ['stopping', 'stopping'],
    ['stopped', 'stopped'],
    ['errored', 'errored'],
    ['waiting-restart', 'waiting restart'],
  ] as Array<[Status, string]>)("status %s is PM2's %j", (status, pm2) => {
    expect((toPm2Json(processInfo({ status })).pm2_env as { status: string }).status).toBe(pm2);
  });

  it('fork apps are fork_mode', () => {
    const spec = buildAppSpec({ script: '/srv/web.js' }, 4);
    expect((toPm2Json(processInfo({ spec })).pm2_env as { exec_mode: string }).exec_mode).toBe('fork_mode');
  });

  it('a stopped process has pid 0, cpu and memory 0, and its creation time as pm_uptime', () => {
    const json = toPm2Json(processInfo({ pid: null, cpu: null, memory: null, startedAt: null, lastExit: null }));
    expect(json['pid']).toBe(0);
    expect(json['monit']).toEqual({ cpu: 0, memory: 0 });
    expect(json['pm2_env']).toMatchObject({ pm_uptime: NOW - 3_600_000, exit_code: null });
  });

  it('survives JSON.stringify (jlist prints it)', () => {
    const json = toPm2Json(processInfo());
    expect(JSON.parse(JSON.stringify(json))).toEqual(json);
  });
});

describe('toStartInput', () => {
  const context = { cwd: '/home/ann/app', env: { PATH: '/usr/bin', EMPTY: '', GONE: undefined }, scriptArgs: [] };

  function usageError(flags: StartFlags, script = 'server.js'): TsmError {
    let thrown: unknown;
    try {
      toStartInput(script, flags, context);
    } catch (error) {
      thrown = error;
    }
    expect(thrown).toBeInstanceOf(TsmError);
    expect((thrown as TsmError).code).toBe('E_USAGE');
    return thrown as TsmError;
  }

  it('with no flags: absolute script and cwd, the CLI environment, the script arguments', () => {
    expect(toStartInput('server.js', {}, { ...context, scriptArgs: ['--port', '3000'] })).toEqual({
      script: '/home/ann/app/server.js',
      cwd: '/home/ann/app',
      args: ['--port', '3000'],
      env: { PATH: '/usr/bin', EMPTY: '' },
    });
  });

  it('keeps an absolute script and resolves --cwd against the current directory', () => {
    const input = toStartInput('/srv/other.js', { cwd: '../data' }, context);
    expect(input.script).toBe('/srv/other.js');
    expect(input.cwd).toBe('/home/ann/data');
  });

  it('parses every flag', () => {
    const input = toStartInput(
      'server.js',
      {
        name: 'api',
        instances: 'max',
        interpreter: ' node ',
        nodeArgs: '--inspect  --max-old-space-size=512',
        maxRestarts: '3',
        minUptime: '2s',
        restartDelay: '500',
        expBackoffRestartDelay: '100ms',
        autorestart: false,
        stopExitCodes: ['0,3'],
        killSignal: 'term',
        killTimeout: '1.5s',
        shutdownWithMessage: true,
        listenTimeout: '8s',
        waitReady: true,
        force: true,
      },
      context,
    );
    expect(input).toMatchObject({
      name: 'api',
      instances: 0,
      interpreter: 'node',
      nodeArgs: ['--inspect', '--max-old-space-size=512'],
      maxRestarts: 3,
      minUptime: 2000,
      restartDelay: 500,
      expBackoffRestartDelay: 100,
      autorestart: false,
      stopExitCodes: [0, 3],
      killSignal: 'SIGTERM',
      killTimeout: 1500,
      shutdownWithMessage: true,
      listenTimeout: 8000,
      waitReady: true,
    });
    // The result is what the daemon accepts.
    expect(buildAppSpec(input, 4)).toMatchObject({ name: 'api', instances: 4, execMode: 'cluster' });
  });

  it('leaves out what was not given, so the daemon applies its defaults', () => {
    const input = toStartInput('server.js', { autorestart: true, shutdownWithMessage: false, waitReady: false }, context);
    expect(Object.keys(input).sort()).toEqual(['args', 'cwd', 'env', 'script']);
  });

  it.each([
    [{ instances: 'abc' }, /^-i /],
    [{ instances: '1.5' }, /^-i /],
    [{ name: 'all' }, /^--name /],
    [{ name: '12' }, /^--name /],
    [{ interpreter: '  ' }, /^--interpreter/],
    [{ maxRestarts: '-1' }, /^--max-restarts /],
    [{ minUptime: 'soon' }, /^--min-uptime /],
    [{ restartDelay: '-5' }, /^--restart-delay /],
    [{ expBackoffRestartDelay: 'x' }, /^--exp-backoff-restart-delay /],
    [{ stopExitCodes: ['0', '300'] }, /^--stop-exit-codes /],
    [{ killSignal: 'NOPE' }, /^--kill-signal /],
    [{ killTimeout: '5 s' }, /^--kill-timeout /],
    [{ listenTimeout: 'long' }, /^--listen-timeout /],
  ] as Array<[StartFlags, RegExp]>)('rejects %j with E_USAGE naming the flag', (flags, message) => {
    expect(usageError(flags).message).toMatch(message);
  });
});
