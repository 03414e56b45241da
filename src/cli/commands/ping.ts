import type { CliContext } from '../context.js';
import { withDaemon } from '../daemon-call.js';

/** Starts the daemon if needed (as `pm2 ping` does) and prints what it says about itself. */
export async function ping(ctx: CliContext, options: { json?: boolean }): Promise<void> {
  const info = await withDaemon(ctx, true, (daemon) => daemon!.request('ping', {}));
  if (options.json) ctx.stdout.write(`${JSON.stringify(info)}\n`);
  else ctx.stdout.write(`pong: daemon ${info.pid}, tsm ${info.version}, ${info.processes} process(es), home ${info.home}\n`);
}
