import { stat } from 'node:fs/promises';
import { resolve } from 'node:path';
import { defaultAppName } from '../core/app-spec.js';
import type { EcosystemResult } from '../core/ecosystem.js';
import { isEcosystemFile } from '../core/ecosystem/file-names.js';
import { TsmError } from '../core/errors.js';
import type { CliContext } from './context.js';
import { stringEnv } from './start-input.js';

/**
 * The loader and its parsers, loaded when a file is read: `tsm stop web` checks whether `web` is
 * an ecosystem file, and should not pay for the loader when it is not. require(), not import():
 * these files are CommonJS (see program.ts).
 */
const loader = () => ({
  ...(require('../core/ecosystem.js') as typeof import('../core/ecosystem.js')),
  ...(require('./ecosystem/load-file.js') as typeof import('./ecosystem/load-file.js')),
  ...(require('./ecosystem/host.js') as typeof import('./ecosystem/host.js')),
});

export interface EcosystemFlags {
  only?: string;
  env?: string;
}

/** The path of an ecosystem file if `word` names one that exists, else null. */
export async function ecosystemPath(ctx: CliContext, word: string | undefined): Promise<string | null> {
  if (word === undefined || !isEcosystemFile(word)) return null;
  const path = resolve(ctx.cwd, word);
  const info = await stat(path).catch(() => null);
  return info?.isFile() ? path : null;
}

/**
 * Reads an ecosystem file (any format: see load-file.ts) into StartInputs, keeping the apps named
 * by --only. Relative paths in it are taken from the directory the command runs in, as in PM2.
 */
export async function readEcosystem(ctx: CliContext, path: string, flags: EcosystemFlags): Promise<EcosystemResult> {
  const { loadEcosystemFile, ecosystemInputs, machineHost } = loader();
  const config = await loadEcosystemFile(path);
  const result = ecosystemInputs(config, {
    baseDir: ctx.cwd,
    env: stringEnv(ctx.env),
    host: machineHost,
    file: path,
    ...(flags.env ? { envName: flags.env } : {}),
  });
  if (!flags.only) return result;
  const only = new Set(flags.only.split(',').map((name) => name.trim()).filter(Boolean));
  const inputs = result.inputs.filter((input) => only.has(appName(input)));
  const missing = [...only].filter((name) => !result.inputs.some((input) => appName(input) === name));
  if (missing.length > 0) {
    throw new TsmError('E_USAGE', `--only ${flags.only}: ${path} has no app named ${missing.join(', ')} (it has ${result.inputs.map(appName).join(', ')}).`);
  }
  return { ...result, inputs };
}

export function appName(input: { name?: string; script: string }): string {
  return input.name ?? defaultAppName(input.script);
}

/** Targets as typed, with an ecosystem file replaced by the names of its apps. */
export async function expandTargets(ctx: CliContext, targets: string[], flags: EcosystemFlags = {}): Promise<string[]> {
  const expanded: string[] = [];
  for (const target of targets) {
    const path = await ecosystemPath(ctx, target);
    if (path) expanded.push(...(await readEcosystem(ctx, path, flags)).inputs.map(appName));
    else expanded.push(target);
  }
  return expanded;
}
