/**
 * What the loader asks of the machine. The loader is pure (src/core does no I/O); the CLI passes
 * the real answers, tests pass a table.
 */
export interface EcosystemHost {
  /** True when a regular file exists at this absolute path. */
  isFile(path: string): boolean;
  /** True when anything (file or folder) exists at this absolute path. */
  exists(path: string): boolean;
  /** The absolute path of an executable `command` found on `pathEnv` (PATH's form), or null. */
  which(command: string, pathEnv: string): string | null;
  /** Why the cron library refuses an expression, or null when it accepts it. */
  cronProblem(expression: string): string | null;
}
