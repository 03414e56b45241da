import { TsmError } from '../../core/errors.js';
import { parseCount } from '../../core/parse.js';
import type { ReloadProgress } from '../../protocol/events.js';
import type { CliContext } from '../context.js';
import { withDaemon } from '../daemon-call.js';
import { ecosystemPath, expandTargets, type EcosystemFlags } from '../ecosystem-file.js';
import { applyEcosystem } from './apply-ecosystem.js';
import { notice, printChange, printTable } from '../print.js';
import { stringEnv } from '../start-input.js';

export interface ReloadFlags extends EcosystemFlags {
  updateEnv?: boolean;
  parallel?: string;
}

/** Long enough for many workers, each with its listen timeout and kill timeout. */
const RELOAD_TIMEOUT_MS = 30 * 60_000;

/** Zero-downtime reload: one line per worker replaced as it happens, then the table. */
export async function reload(ctx: CliContext, given: string[], flags: ReloadFlags): Promise<void> {
  if (given.length === 1 && (await ecosystemPath(ctx, given[0]))) {
    await applyEcosystem(ctx, given[0]!, 'reload', flags, false);
    return;
  }
  const targets = await expandTargets(ctx, given, flags);
  const parallel = flags.parallel === undefined ? undefined : parseCount('--parallel', flags.parallel, 1);
  await withDaemon(ctx, true, async (daemon) => {
    daemon!.onEvent((event, data) => {
      if (event === 'reload-progress') void notice(ctx, describe(data as ReloadProgress));
    });
    try {
      const result = await daemon!.request(
        'reload',
        { targets, ...(flags.updateEnv ? { env: stringEnv(ctx.env) } : {}), ...(parallel ? { parallel } : {}) },
        { timeoutMs: RELOAD_TIMEOUT_MS },
      );
      await printChange(ctx, 'reloaded', result);
    } catch (error) {
      // The table shows what runs now: the old workers that kept serving included.
      if (error instanceof TsmError && error.code === 'E_RELOAD_FAILED') {
        await printTable(ctx, { processes: await daemon!.request('list', {}) });
      }
      throw error;
    }
  });
}

function describe(p: ReloadProgress): string {
  const pids = `pid ${p.oldPid ?? '-'} → ${p.newPid ?? '-'}`;
  if (p.mode === 'fork') {
    return `${p.name} (id ${p.id}) runs in fork mode: restarted (${pids}); reload without downtime needs cluster mode (-i)`;
  }
  return `${p.name} (id ${p.id}, instance ${p.instance}): ${pids}, ready in ${p.readyMs} ms`;
}
