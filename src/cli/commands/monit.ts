import { TsmError } from '../../core/errors.js';
import type { CliContext } from '../context.js';

/** Placeholder until the dashboard lands: refuses cleanly instead of pretending. */
export async function monit(ctx: CliContext): Promise<void> {
  void ctx;
  throw new TsmError('E_USAGE', 'tsm monit is not available yet; use tsm list --json.');
}
