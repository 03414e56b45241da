import { asTsmError, exitCodeFor } from '../core/errors.js';
import type { CliContext } from './context.js';
import { buildProgram, isCleanExit, isUsageError } from './program.js';
import { loadPalette } from './render/colors.js';

/**
 * Runs one command line and resolves with the exit code; the bin script sets it. Errors are
 * printed here, once: what failed and what to do, in red when colour is on.
 */
export async function main(argv: readonly string[], base: Omit<CliContext, 'scriptArgs'>): Promise<number> {
  // Everything after `--` belongs to the script `start` runs, never to tsm's own parser.
  const split = argv.indexOf('--');
  const own = split === -1 ? [...argv] : argv.slice(0, split);
  const ctx: CliContext = { ...base, scriptArgs: split === -1 ? [] : argv.slice(split + 1) };
  const program = buildProgram(ctx, own);
  try {
    await program.parseAsync(own, { from: 'user' });
    return 0;
  } catch (error) {
    if (isCleanExit(error)) return 0;
    if (isUsageError(error)) return 2; // commander already printed what was wrong
    const tsmError = asTsmError(error);
    const colors = await loadPalette(ctx.env, ctx.stderr);
    const detail = tsmError.code === 'E_INTERNAL' && tsmError.cause instanceof Error ? `\n${tsmError.cause.stack}` : '';
    ctx.stderr.write(`${colors.red('error')} ${tsmError.message}${detail}\n`);
    return exitCodeFor(tsmError);
  }
}
