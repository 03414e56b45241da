import type { ProcessInfo } from '../../protocol/process-info.js';
import type { CliContext } from '../context.js';
import { withDaemon } from '../daemon-call.js';
import { printTable } from '../print.js';
import { toPm2Json } from '../render/pm2-json.js';

/** Listing never starts a daemon: with none running there is nothing to list. */
async function fetchList(ctx: CliContext): Promise<ProcessInfo[]> {
  return withDaemon(ctx, false, async (daemon) => (daemon ? daemon.request('list', {}) : []));
}

export async function list(ctx: CliContext, options: { json?: boolean }): Promise<void> {
  const processes = await fetchList(ctx);
  if (options.json) ctx.stdout.write(`${JSON.stringify(processes)}\n`);
  else await printTable(ctx, { processes });
}

/** PM2's JSON shape, for scripts written against `pm2 jlist`. */
export async function jlist(ctx: CliContext): Promise<void> {
  const processes = await fetchList(ctx);
  ctx.stdout.write(`${JSON.stringify(processes.map(toPm2Json))}\n`);
}
