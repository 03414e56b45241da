import type { Status } from '../../core/status.js';
import type { ProcessInfo } from '../../protocol/process-info.js';
import type { Palette } from './colors.js';
import { formatBytes, formatUptime } from './format.js';
import { renderTable } from './table.js';

export function statusColor(colors: Palette, status: Status): (text: string) => string {
  switch (status) {
    case 'online':
      return (text) => colors.bold(colors.green(text));
    case 'errored':
      return (text) => colors.bold(colors.red(text));
    case 'stopped':
      return colors.grey;
    default:
      return colors.yellow;
  }
}

/** `tsm list`: one row per process, the columns PM2 users read. */
export function renderProcessTable(processes: readonly ProcessInfo[], colors: Palette, now = Date.now()): string {
  const head = ['id', 'name', 'mode', 'pid', 'status', '↺', 'uptime', 'cpu', 'mem'];
  const rows = [...processes]
    .sort((a, b) => a.id - b.id)
    .map((p) => [
      String(p.id),
      colors.bold(p.name),
      p.spec.execMode,
      p.pid === null ? '-' : String(p.pid),
      statusColor(colors, p.status)(p.status),
      String(p.restarts),
      p.startedAt === null ? '-' : formatUptime(now - p.startedAt),
      p.cpu === null ? '-' : `${p.cpu}%`,
      p.memory === null ? '-' : formatBytes(p.memory),
    ]);
  return renderTable(head, rows, colors);
}
