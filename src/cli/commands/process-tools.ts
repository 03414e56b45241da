import { TsmError } from '../../core/errors.js';
import type { CliContext } from '../context.js';
import { withDaemon } from '../daemon-call.js';
import { notice, printChange, printTable } from '../print.js';

/** `tsm scale <app> <n|+n|-n>`: added instances start; removed ones, the highest, stop gracefully. */
export async function scale(ctx: CliContext, name: string, count: string): Promise<void> {
  const result = await withDaemon(ctx, true, (daemon) => daemon!.request('scale', { name, count }, { timeoutMs: 120_000 }));
  if (result.changed.length > 0) {
    await printChange(ctx, 'scaled', result);
    return;
  }
  await notice(ctx, `${name} already has that many instances`);
  await printTable(ctx, result);
}

/** `tsm sendSignal <signal> <targets...>` (PM2's name; `tsm signal` too). */
export async function sendSignal(ctx: CliContext, signal: string, targets: string[]): Promise<void> {
  const result = await withDaemon(ctx, true, (daemon) => daemon!.request('signal', { signal, targets }));
  await printChange(ctx, 'signalled', result);
}

/** `tsm reset <targets...>`: restart counters back to 0. */
export async function reset(ctx: CliContext, targets: string[]): Promise<void> {
  const result = await withDaemon(ctx, true, (daemon) => daemon!.request('reset', { targets }));
  await printChange(ctx, 'reset', result);
}

/** `tsm env <id>`: the environment the process was started with, one NAME=value per line. */
export async function env(ctx: CliContext, target: string, options: { json?: boolean }): Promise<void> {
  const found = await withDaemon(ctx, false, async (daemon) => {
    if (!daemon) throw new TsmError('E_NOT_FOUND', `no app matches ${target}: no daemon runs for ${ctx.paths.home}.`);
    return daemon.request('env', { targets: [target] });
  });
  if (options.json) {
    ctx.stdout.write(`${JSON.stringify(found)}\n`);
    return;
  }
  for (const { id, name, env: vars } of found) {
    if (found.length > 1) ctx.stdout.write(`# ${name} (id ${id})\n`);
    if (vars === null) await notice(ctx, `${name} (id ${id}) has not run yet`);
    for (const [key, value] of Object.entries(vars ?? {}).sort(([a], [b]) => a.localeCompare(b))) ctx.stdout.write(`${key}=${value}\n`);
  }
}

/** `tsm pid [app]`: the pids, one per line (none for a stopped process), as PM2 prints them. */
export async function pid(ctx: CliContext, target: string | undefined): Promise<void> {
  const processes = await withDaemon(ctx, false, async (daemon) => {
    if (!daemon) return [];
    return target === undefined ? daemon.request('list', {}) : daemon.request('describe', { targets: [target] });
  });
  for (const p of processes) if (p.pid !== null) ctx.stdout.write(`${p.pid}\n`);
}
