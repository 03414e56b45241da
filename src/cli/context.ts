import type { HomePaths } from '../core/paths.js';

/** A writable the CLI prints to; in tests, a buffer. */
export interface Output {
  write(text: string): unknown;
  isTTY?: boolean;
  columns?: number;
}

/** Where keys come from: only `monit` reads them. */
export type Input = NodeJS.ReadStream;

/** What every command gets from the entry point: no command reads process globals itself. */
export interface CliContext {
  paths: HomePaths;
  env: NodeJS.ProcessEnv;
  cwd: string;
  stdout: Output;
  stderr: Output;
  /** A function: creating process.stdin costs start-up time that only `monit` should pay. */
  stdin: () => Input;
  /** Arguments after `--`, for the script that `start` runs. */
  scriptArgs: string[];
}
