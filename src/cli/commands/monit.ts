import { TsmError } from '../../core/errors.js';
import type { CliContext, Output } from '../context.js';
import { withDaemon } from '../daemon-call.js';
import { runMonit } from '../monit/app.js';
import { Screen, type TerminalOutput } from '../monit/screen.js';
import { loadPalette } from '../render/colors.js';

function isTerminal(out: Output): out is Output & TerminalOutput {
  return out.isTTY === true && typeof (out as { on?: unknown }).on === 'function';
}

/**
 * `tsm monit`: the live dashboard. It needs a terminal on both sides (keys in, frames out); piped
 * or redirected, it says so and points at the JSON a script can read instead.
 */
export async function monit(ctx: CliContext): Promise<void> {
  const input = ctx.stdin();
  const output = ctx.stdout;
  if (!isTerminal(output) || !input.isTTY) {
    const which = isTerminal(output) ? 'stdin' : 'stdout';
    throw new TsmError(
      'E_USAGE',
      `tsm monit is an interactive dashboard and needs a terminal, but ${which} is not one (piped or redirected). ` +
        `For the process table as data, use 'tsm list --json' (or 'tsm jlist' for PM2's field names).`,
    );
  }
  const colors = await loadPalette(ctx.env, output);
  await withDaemon(ctx, true, async (daemon) => {
    const screen = new Screen(input, output);
    try {
      await runMonit({ connection: daemon!, screen, colors, daemonLog: ctx.paths.daemonLog });
    } finally {
      screen.close();
    }
  });
}
