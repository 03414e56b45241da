import { TsmError } from '../../core/errors.js';
import type { ChangeResult } from '../../protocol/methods.js';
import type { CliContext } from '../context.js';
import { withDaemon } from '../daemon-call.js';
import { appName, ecosystemPath, readEcosystem, type EcosystemFlags } from '../ecosystem-file.js';
import { notice, printChange } from '../print.js';

/** Long enough for many apps, each with its workers' listen and kill timeouts. */
const APPLY_TIMEOUT_MS = 30 * 60_000;

/**
 * PM2's deploy hooks: the ecosystem file is read again and each app's settings applied, by a
 * restart or a zero-downtime reload (`startOrRestart`, `startOrReload`, and `restart`/`reload`
 * of a file). An app whose instances or mode changed is replaced. With `startMissing`, apps of
 * the file that do not run yet are started; without, they are an error before anything changes.
 */
export async function applyEcosystem(
  ctx: CliContext,
  file: string,
  how: 'restart' | 'reload',
  flags: EcosystemFlags,
  startMissing: boolean,
): Promise<void> {
  const path = await ecosystemPath(ctx, file);
  if (!path) throw new TsmError('E_USAGE', `${file} is not an ecosystem file (ecosystem.config.js, process.yml, pm2.json...) that exists.`);
  const { inputs, notices } = await readEcosystem(ctx, path, flags);
  for (const line of notices) await notice(ctx, line);
  const result = await withDaemon(ctx, true, async (daemon) => {
    if (!startMissing) {
      const running = new Set((await daemon!.request('list', {})).map((p) => p.name));
      const missing = inputs.map(appName).filter((name) => !running.has(name));
      if (missing.length > 0) {
        throw new TsmError(
          'E_NOT_FOUND',
          `${path}: ${missing.join(', ')} ${missing.length === 1 ? 'is' : 'are'} not running; nothing was ${how}ed. ` +
            `Use tsm startOr${how === 'reload' ? 'Reload' : 'Restart'} ${file} to start them too.`,
        );
      }
    }
    const changed: ChangeResult['changed'] = [];
    let last: ChangeResult | null = null;
    for (const input of inputs) {
      last = await daemon!.request('start', { kind: 'script', input, force: true, existing: how }, { timeoutMs: APPLY_TIMEOUT_MS });
      changed.push(...last.changed);
    }
    return { changed, processes: last?.processes ?? [], ...(last?.notSaved ? { notSaved: last.notSaved } : {}) };
  });
  await printChange(ctx, how === 'reload' ? 'reloaded' : 'restarted', result);
}
