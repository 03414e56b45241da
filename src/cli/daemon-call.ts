import { connectDaemon } from '../client/client.js';
import type { DaemonConnection } from '../client/connection.js';
import type { CliContext } from './context.js';
import { loadPalette } from './render/colors.js';

/**
 * Runs `use` with a connection to this home's daemon and always closes it. With `launch`, a
 * daemon is started when none runs; without, `use` gets null and the command says so.
 */
export async function withDaemon<T>(
  ctx: CliContext,
  launch: boolean,
  use: (connection: DaemonConnection | null) => Promise<T>,
  options: { allowVersionMismatch?: boolean } = {},
): Promise<T> {
  const connection = await connectDaemon({ paths: ctx.paths, env: ctx.env, launch, ...options });
  try {
    if (connection && connection.notices.length > 0) await printNotices(ctx, connection.notices);
    return await use(connection);
  } finally {
    connection?.close();
  }
}

/** What the daemon held for the next command (a corrupt apps.json set aside, a crash recovered). */
async function printNotices(ctx: CliContext, notices: readonly string[]): Promise<void> {
  const colors = await loadPalette(ctx.env, ctx.stderr);
  for (const text of notices) ctx.stderr.write(`${colors.yellow('warning')} ${text}\n`);
}
