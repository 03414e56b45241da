import type { ProcessInfo } from '../../protocol/process-info.js';
import type { Palette } from './colors.js';
import { formatBytes, formatExit, formatUptime } from './format.js';
import { statusColor } from './process-table.js';
import { renderDetails } from './table.js';

/** `tsm show`: everything about one process, as key/value rows. The environment is left out: it holds secrets. */
export function renderProcessDetails(p: ProcessInfo, colors: Palette, now = Date.now()): string {
  const s = p.spec;
  const rows: Array<[string, string]> = [
    ['status', statusColor(colors, p.status)(p.status)],
    ['name', p.name],
    ['id', String(p.id)],
    ['instance', `${p.instance} of ${s.instances}`],
    ['pid', p.pid === null ? '-' : String(p.pid)],
    ['exec mode', s.execMode],
    ['script', s.script],
    ['args', s.args.length > 0 ? s.args.join(' ') : '-'],
    ['interpreter', s.interpreter],
    ['interpreter args', s.nodeArgs.length > 0 ? s.nodeArgs.join(' ') : '-'],
    ['cwd', s.cwd],
    ['uptime', p.startedAt === null ? '-' : formatUptime(now - p.startedAt)],
    ['restarts', String(p.restarts)],
    ['last restart', p.restartCause ? `${p.restartCause.cause} at ${new Date(p.restartCause.at).toISOString()}` : '-'],
    ['unstable restarts', String(p.unstableRestarts)],
    ['last exit', p.lastExit ? `${formatExit(p.lastExit)} at ${new Date(p.lastExit.at).toISOString()}` : '-'],
    ['created at', new Date(p.createdAt).toISOString()],
    ['out log', p.outLog ?? 'none'],
    ['error log', p.errLog ?? 'none'],
    ...(p.combinedLog ? [['combined log', p.combinedLog] as [string, string]] : []),
    ['autorestart', String(s.autorestart)],
    ['max restarts / min uptime', `${s.maxRestarts} / ${s.minUptime} ms`],
    ['restart delay', s.expBackoffRestartDelay > 0 ? `${s.restartDelay} ms, backoff from ${s.expBackoffRestartDelay} ms` : `${s.restartDelay} ms`],
    ['stop exit codes', s.stopExitCodes.length > 0 ? s.stopExitCodes.join(', ') : '-'],
    ['memory limit', s.maxMemoryRestart > 0 ? formatBytes(s.maxMemoryRestart) : '-'],
    ['watch', s.watch === false ? '-' : s.watch.join(', ')],
    ['cron restart', s.cronRestart === '' ? '-' : s.cronRestart],
    ['namespace', s.namespace],
    ...(p.pidFile ? [['pid file', p.pidFile] as [string, string]] : []),
    ['kill', s.shutdownWithMessage ? `'shutdown' message, SIGKILL after ${s.killTimeout} ms` : `${s.killSignal}, SIGKILL after ${s.killTimeout} ms`],
  ];
  return `${colors.bold(`${p.name} (id ${p.id})`)}\n${renderDetails(rows, colors)}`;
}
