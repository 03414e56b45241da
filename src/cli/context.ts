import type { HomePaths } from '../core/paths.js';

/** A writable the CLI prints to; in tests, a buffer. */
export interface Output {
  write(text: string): unknown;
  isTTY?: boolean;
  columns?: number;
}

/** What every command gets from the entry point: no command reads process globals itself. */
export interface CliContext {
  paths: HomePaths;
  env: NodeJS.ProcessEnv;
  cwd: string;
  stdout: Output;
  stderr: Output;
  /** Arguments after `--`, for the script that `start` runs. */
  scriptArgs: string[];
}
