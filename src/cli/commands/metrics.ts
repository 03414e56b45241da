import { parseAddress } from '../../core/settings.js';
import type { MetricsStatus } from '../../protocol/metrics.js';
import type { CliContext } from '../context.js';
import { withDaemon } from '../daemon-call.js';
import { notice } from '../print.js';

/**
 * `tsm metrics enable [host:port]`: the daemon listens at once and after every restart. Without an
 * address, the last one saved (127.0.0.1:9209 at first). A malformed address is refused here,
 * before any daemon is started; a taken one by the daemon, which keeps what it had.
 */
export async function enable(ctx: CliContext, address: string | undefined, options: { json?: boolean }): Promise<void> {
  if (address !== undefined) parseAddress(address);
  const status = await withDaemon(ctx, true, (daemon) =>
    daemon!.request('metrics', { set: address === undefined ? { enabled: true } : { enabled: true, address } }),
  );
  await print(ctx, status, options);
}

export async function disable(ctx: CliContext, options: { json?: boolean }): Promise<void> {
  const status = await withDaemon(ctx, true, (daemon) => daemon!.request('metrics', { set: { enabled: false } }));
  await print(ctx, status, options);
}

export async function status(ctx: CliContext, options: { json?: boolean }): Promise<void> {
  const current = await withDaemon(ctx, true, (daemon) => daemon!.request('metrics', {}));
  await print(ctx, current, options, false);
}

async function print(ctx: CliContext, status: MetricsStatus, options: { json?: boolean }, changed = true): Promise<void> {
  if (options.json) {
    ctx.stdout.write(`${JSON.stringify(status)}\n`);
    return;
  }
  if (status.listening !== null) {
    const base = `http://${status.listening}`;
    ctx.stdout.write(`metrics: on, ${base}/metrics (health: ${base}/healthz, readiness: ${base}/readyz)\n`);
  } else if (status.enabled) {
    ctx.stdout.write(`metrics: enabled for ${status.address} but not listening: ${status.error ?? 'unknown reason'}\n`);
  } else {
    ctx.stdout.write(`metrics: off (tsm metrics enable [host:port] turns it on; without an address, at ${status.address})\n`);
  }
  if (changed) await notice(ctx, `saved in ${status.settingsFile}: kept when the daemon restarts`);
}
