import { stat } from 'node:fs/promises';
import { extname, resolve } from 'node:path';
import { TsmError } from '../../core/errors.js';
import type { DaemonConnection } from '../../client/connection.js';
import type { ChangeResult } from '../../protocol/methods.js';
import type { CliContext } from '../context.js';
import { withDaemon } from '../daemon-call.js';
import { appName, ecosystemPath, readEcosystem, type EcosystemFlags } from '../ecosystem-file.js';
import { notice, printChange } from '../print.js';
import { toStartInput, type StartFlags } from '../start-input.js';

/**
 * `tsm start <script>` starts a new app; `tsm start <name|id...>` starts (or restarts) known ones.
 * A word is a script when such a file or folder exists, or when it looks like a path.
 */
export async function start(ctx: CliContext, words: string[], flags: StartFlags & EcosystemFlags): Promise<void> {
  const first = words[0];
  if (first === undefined) throw new TsmError('E_USAGE', 'start: name a script to run, or apps to start.');
  const ecosystem = await ecosystemPath(ctx, first);
  if (ecosystem) {
    await startEcosystem(ctx, ecosystem, flags);
    return;
  }
  if (await looksLikeScript(ctx.cwd, first)) {
    if (words.length > 1) {
      throw new TsmError(
        'E_USAGE',
        `start: one script at a time; to pass arguments to ${first}, put them after --: tsm start ${first} -- ${words.slice(1).join(' ')}`,
      );
    }
    const input = toStartInput(first, flags, ctx);
    const result = await withDaemon(ctx, true, (daemon) =>
      daemon!.request('start', { kind: 'script', input, force: flags.force === true }, { timeoutMs: 120_000 }),
    );
    await printChange(ctx, 'started', result);
    return;
  }
  const result = await withDaemon(ctx, true, (daemon) => startKnown(daemon!, words, ctx.cwd));
  await printChange(ctx, 'started', result);
}

/**
 * Every app of the file, after all of them are checked (a missing script stops the whole start
 * before anything runs). An app that already runs is replaced with its new settings.
 */
async function startEcosystem(ctx: CliContext, path: string, flags: EcosystemFlags): Promise<void> {
  const { inputs, ignored } = await readEcosystem(ctx, path, flags);
  if (ignored.length > 0) await notice(ctx, `ignored fields tsm does not know: ${ignored.join(', ')}`);
  for (const input of inputs) {
    const info = await stat(input.script).catch(() => null);
    if (!info?.isFile()) {
      throw new TsmError('E_SCRIPT', `ecosystem file ${path}: app '${appName(input)}': script not found: ${input.script}. Nothing was started.`);
    }
  }
  const result = await withDaemon(ctx, true, async (daemon) => {
    let last: ChangeResult | null = null;
    const changed: ChangeResult['changed'] = [];
    for (const input of inputs) {
      last = await daemon!.request('start', { kind: 'script', input, force: true }, { timeoutMs: 120_000 });
      changed.push(...last.changed);
    }
    return { changed, processes: last?.processes ?? [] };
  });
  await printChange(ctx, 'started', result);
}

async function startKnown(daemon: DaemonConnection, targets: string[], cwd: string): Promise<ChangeResult> {
  try {
    return await daemon.request('start', { kind: 'targets', targets }, { timeoutMs: 120_000 });
  } catch (error) {
    if (error instanceof TsmError && error.code === 'E_NOT_FOUND') {
      throw new TsmError('E_SCRIPT', `${error.message} Nor is there such a file in ${cwd}.`);
    }
    throw error;
  }
}

async function looksLikeScript(cwd: string, word: string): Promise<boolean> {
  if (word.includes('/') || extname(word) !== '') return true;
  return (await stat(resolve(cwd, word)).catch(() => null)) !== null;
}
