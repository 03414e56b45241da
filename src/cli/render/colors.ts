import type { Output } from '../context.js';

/** The styles tsm uses. With colour off they return text unchanged. */
export interface Palette {
  enabled: boolean;
  bold(text: string): string;
  dim(text: string): string;
  red(text: string): string;
  green(text: string): string;
  yellow(text: string): string;
  cyan(text: string): string;
  grey(text: string): string;
}

/**
 * Colour only for a terminal, never with NO_COLOR, and FORCE_COLOR wins over both, so
 * `tsm jlist | jq` and CI logs stay clean.
 */
export function colorLevel(env: NodeJS.ProcessEnv, out: Output): 0 | 1 | 2 | 3 {
  const force = env['FORCE_COLOR'];
  if (force !== undefined) {
    if (force === '0' || force === 'false') return 0;
    const level = Number(force);
    return level >= 1 && level <= 3 ? (level as 1 | 2 | 3) : 1;
  }
  if (env['NO_COLOR'] !== undefined && env['NO_COLOR'] !== '') return 0;
  if (!out.isTTY || env['TERM'] === 'dumb') return 0;
  return env['COLORTERM'] === 'truecolor' ? 3 : 2;
}

const plain = (text: string): string => text;
export const PLAIN: Palette = {
  enabled: false,
  bold: plain,
  dim: plain,
  red: plain,
  green: plain,
  yellow: plain,
  cyan: plain,
  grey: plain,
};

/**
 * The one place chalk is loaded. It is ESM-only and costs a module loader start-up, so it is
 * imported only when colour is on: piped output (scripts, benchmarks) never pays for it.
 */
export async function loadPalette(env: NodeJS.ProcessEnv, out: Output): Promise<Palette> {
  const level = colorLevel(env, out);
  if (level === 0) return PLAIN;
  const { Chalk } = await import('chalk');
  const chalk = new Chalk({ level });
  return {
    enabled: true,
    bold: (t) => chalk.bold(t),
    dim: (t) => chalk.dim(t),
    red: (t) => chalk.red(t),
    green: (t) => chalk.green(t),
    yellow: (t) => chalk.yellow(t),
    cyan: (t) => chalk.cyan(t),
    grey: (t) => chalk.grey(t),
  };
}
