import { TsmError } from '../core/errors.js';
import type { ChangeResult } from '../protocol/methods.js';
import type { CliContext } from './context.js';
import { loadPalette } from './render/colors.js';
import { renderProcessTable } from './render/process-table.js';

/** Data to stdout, everything else to stderr, so `tsm ... | jq` keeps working. */
export async function printTable(ctx: CliContext, result: { processes: ChangeResult['processes'] }): Promise<void> {
  const colors = await loadPalette(ctx.env, ctx.stdout);
  ctx.stdout.write(`${renderProcessTable(result.processes, colors)}\n`);
}

export async function notice(ctx: CliContext, message: string): Promise<void> {
  const colors = await loadPalette(ctx.env, ctx.stderr);
  ctx.stderr.write(`${colors.cyan('[tsm]')} ${message}\n`);
}

const PRESENT: Record<string, string> = {
  started: 'start',
  stopped: 'stop',
  restarted: 'restart',
  reloaded: 'reload',
  deleted: 'delete',
  scaled: 'scale',
  signalled: 'signal',
  reset: 'reset',
};

/** "stopped web (ids 0, 1)" then the whole table. */
export async function printChange(
  ctx: CliContext,
  verb: 'started' | 'stopped' | 'restarted' | 'reloaded' | 'deleted' | 'scaled' | 'signalled' | 'reset',
  result: ChangeResult,
): Promise<void> {
  const byName = new Map<string, number[]>();
  for (const p of result.changed) byName.set(p.name, [...(byName.get(p.name) ?? []), p.id]);
  for (const [name, ids] of byName) await notice(ctx, `${verb} ${name} (${ids.length === 1 ? 'id' : 'ids'} ${ids.join(', ')})`);
  if (result.changed.length === 0) await notice(ctx, `nothing to ${PRESENT[verb]}: no app matched`);
  await printTable(ctx, result);
  if (result.notSaved !== undefined) throw notSavedError(`the processes were ${verb}`, result.notSaved);
}

/** The change was made; only its record on disk failed: a failure, but not of the change. */
export function notSavedError(what: string, why: string): TsmError {
  return new TsmError(
    'E_SAVE',
    `${what}, but the app list could not be saved: ${why}. The daemon keeps running them as shown; ` +
      'the list is saved again with the next change, once the cause (a full disk?) is gone.',
  );
}
