import { stat } from 'node:fs/promises';
import { availableParallelism } from 'node:os';
import { extname, resolve } from 'node:path';
import { TsmError } from '../../core/errors.js';
import type { DaemonConnection } from '../../client/connection.js';
import type { ChangeResult } from '../../protocol/methods.js';
import type { CliContext } from '../context.js';
import { withDaemon } from '../daemon-call.js';
import { mapBounded } from '../map-bounded.js';
import { appName, ecosystemPath, readEcosystem, type EcosystemFlags } from '../ecosystem-file.js';
import { notice, printChange } from '../print.js';
import { toStartInput, type StartFlags } from '../start-input.js';

/**
 * Starts of an ecosystem file's apps sent before the first answers. The daemon spawns one process
 * at a time whatever comes in (a spawn blocks it until the child has exec'd), so this bounds no
 * CPU: it keeps the daemon spawning while earlier starts wait for their save to reach the disk
 * (saves asked for together share one write). One at a time, 50 fork apps took 8.3 s until every
 * port answered on 2 loaded cores, 4 at a time 7.8 s, 16 7.5 s, 50 7.2 s (bench/many.js, medians of
 * 4 rounds); the bound keeps a file of hundreds of apps from queueing all its requests at once.
 */
const PARALLEL_STARTS = Math.max(2, 8 * availableParallelism());

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
  const { inputs, notices } = await readEcosystem(ctx, path, flags);
  for (const line of notices) await notice(ctx, line);
  for (const input of inputs) {
    const info = await stat(input.script).catch(() => null);
    if (!info?.isFile()) {
      throw new TsmError('E_SCRIPT', `ecosystem file ${path}: app '${appName(input)}': script not found: ${input.script}. Nothing was started.`);
    }
  }
  const result = await withDaemon(ctx, true, async (daemon) => {
    // Sent in the file's order: the daemon takes a start's turn, and a new app's ids, as it
    // arrives (see handleStart), so ids follow the file as when they went one by one.
    let latest: ChangeResult | null = null;
    const results = await mapBounded(inputs, PARALLEL_STARTS, appName, async (input) => {
      const reply = await daemon!.request('start', { kind: 'script', input, force: true }, { timeoutMs: 120_000 });
      latest = reply; // the last reply to arrive lists every app, each start before it having ended
      return reply;
    });
    // A start whose save failed is reported even if a later write carried its change: a failing
    // disk is worth a word.
    const notSaved = results.find((reply) => reply.notSaved !== undefined)?.notSaved;
    const done = latest as ChangeResult | null;
    return { changed: results.flatMap((reply) => reply.changed), processes: done?.processes ?? [], ...(notSaved ? { notSaved } : {}) };
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
