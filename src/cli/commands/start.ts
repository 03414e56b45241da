import { stat } from 'node:fs/promises';
import { availableParallelism } from 'node:os';
import { extname, resolve } from 'node:path';
import { TsmError } from '../../core/errors.js';
import type { ChangeResult } from '../../protocol/methods.js';
import type { CliContext } from '../context.js';
import { withDaemon } from '../daemon-call.js';
import { mapBounded } from '../map-bounded.js';
import { appName, ecosystemPath, readEcosystem, type EcosystemFlags } from '../ecosystem-file.js';
import { notice, printChange } from '../print.js';
import { planScript } from '../../core/ecosystem/command.js';
import type { StartInput } from '../../core/app-spec.js';
import { machineHost } from '../ecosystem/host.js';
import { overrideApps, toStartInput, type StartFlags } from '../start-input.js';

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
 * `tsm start <script>` starts a new app; `tsm start <name|id...>` starts (or restarts) known ones;
 * `tsm start "<command line>"` or `tsm start <command on PATH> -- <args>` runs a command, as an
 * ecosystem file's `script` would. A word is a script when such a file or folder exists, or when
 * it looks like a path; otherwise known apps come first, and a single word that names no app is
 * tried as a command.
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
  const result = await withDaemon(ctx, true, async (daemon) => {
    try {
      return await daemon!.request('start', { kind: 'targets', targets: words }, { timeoutMs: 120_000 });
    } catch (error) {
      if (!(error instanceof TsmError && error.code === 'E_NOT_FOUND')) throw error;
      const command = words.length === 1 ? commandInput(ctx, first, flags) : null;
      if (command === null) throw new TsmError('E_SCRIPT', `${error.message} Nor is there such a file in ${ctx.cwd}, nor such a command on PATH.`);
      return daemon!.request('start', { kind: 'script', input: command, force: flags.force === true }, { timeoutMs: 120_000 });
    }
  });
  await printChange(ctx, 'started', result);
}

/**
 * A command line as an app, planned as an ecosystem `script` is (a command on PATH run directly,
 * shell syntax through /bin/sh); null when its first word is neither a file nor on PATH, so the
 * caller reports the app it did not find.
 */
function commandInput(ctx: CliContext, text: string, flags: StartFlags): StartInput | null {
  const cwd = resolve(ctx.cwd, flags.cwd ?? '.');
  const plan = planScript(text, ctx.scriptArgs, cwd, ctx.env['PATH'] ?? '', machineHost);
  if (plan.interpreter === undefined && !machineHost.isFile(plan.script)) return null;
  return toStartInput(text, flags, ctx, plan);
}


/**
 * Every app of the file, after all of them are checked (a missing script stops the whole start
 * before anything runs), with the flags typed beside it over the file's values. An app that
 * already runs is replaced with its new settings.
 */
async function startEcosystem(ctx: CliContext, path: string, flags: StartFlags & EcosystemFlags): Promise<void> {
  const read = await readEcosystem(ctx, path, flags);
  const { notices } = read;
  const inputs = overrideApps(read.inputs, flags, ctx);
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

async function looksLikeScript(cwd: string, word: string): Promise<boolean> {
  if ((await stat(resolve(cwd, word)).catch(() => null)) !== null) return true;
  // `python3 -m http.server` has a dot, and `./bin/serve --port 3` a slash: command lines, not paths.
  return !/\s/.test(word) && (word.includes('/') || extname(word) !== '');
}
