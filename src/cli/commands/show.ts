import { TsmError } from '../../core/errors.js';
import type { CliContext } from '../context.js';
import { withDaemon } from '../daemon-call.js';
import { loadPalette } from '../render/colors.js';
import { renderProcessDetails } from '../render/details.js';

export async function show(ctx: CliContext, targets: string[], options: { json?: boolean }): Promise<void> {
  const processes = await withDaemon(ctx, false, async (daemon) => {
    if (!daemon) throw new TsmError('E_NOT_FOUND', `no app matches ${targets.join(', ')}: no daemon runs for ${ctx.paths.home}.`);
    return daemon.request('describe', { targets });
  });
  if (options.json) {
    ctx.stdout.write(`${JSON.stringify(processes)}\n`);
    return;
  }
  const colors = await loadPalette(ctx.env, ctx.stdout);
  ctx.stdout.write(`${processes.map((p) => renderProcessDetails(p, colors)).join('\n\n')}\n`);
}
