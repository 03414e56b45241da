import { parseAddress } from '../../core/settings.js';
import { asTsmError, exitCodeFor } from '../../core/errors.js';
import type { ForegroundPlan } from '../../core/foreground-plan.js';
import type { CliContext } from '../context.js';
import { loadPalette } from '../render/colors.js';
import { toForegroundPlan } from './plan.js';
import { buildRuntimeProgram, isCleanExit, isUsageError } from './program.js';

/**
 * tsm-runtime's command line: parsed and checked here, then `run` (the daemon in the
 * foreground, joined in by bin/tsm-runtime.js) carries the plan out. Resolves with the exit code.
 */
export async function runtimeMain(
  argv: readonly string[],
  base: Omit<CliContext, 'scriptArgs'>,
  run: (plan: ForegroundPlan) => Promise<number>,
): Promise<number> {
  // Everything after `--` belongs to the script, as with tsm start.
  const split = argv.indexOf('--');
  const own = split === -1 ? [...argv] : argv.slice(0, split);
  const ctx: CliContext = { ...base, scriptArgs: split === -1 ? [] : argv.slice(split + 1) };
  let code = 0;
  const program = buildRuntimeProgram(ctx, async (request) => {
    const plan: ForegroundPlan =
      request.kind === 'resurrect'
        ? { home: ctx.paths.home, mode: { kind: 'resurrect' }, json: request.flags.json === true }
        : await toForegroundPlan(ctx, request.words, request.flags, request.given);
    const metrics = request.flags['metrics'];
    if (typeof metrics === 'string') {
      parseAddress(metrics); // a bad address is a usage error before any daemon starts
      plan.metrics = metrics;
    }
    code = await run(plan);
  });
  try {
    await program.parseAsync(own, { from: 'user' });
    return code;
  } catch (error) {
    if (isCleanExit(error)) return 0;
    if (isUsageError(error)) return 2; // commander already said what was wrong
    const tsmError = asTsmError(error);
    const colors = await loadPalette(ctx.env, ctx.stderr);
    const detail = tsmError.code === 'E_INTERNAL' && tsmError.cause instanceof Error ? `\n${tsmError.cause.stack}` : '';
    ctx.stderr.write(`${colors.red('error')} ${tsmError.message}${detail}\n`);
    return exitCodeFor(tsmError);
  }
}
