import { connectDaemon } from '../client/client.js';
import type { DaemonConnection } from '../client/connection.js';
import type { CliContext } from './context.js';

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
    return await use(connection);
  } finally {
    connection?.close();
  }
}
