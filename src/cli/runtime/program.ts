import { Command, CommanderError } from 'commander';
import { TSM_VERSION } from '../../protocol/version.js';
import type { CliContext } from '../context.js';
import { startOptions } from '../program.js';

/** What the runtime's command line asked for, as commander hands it over. */
export type RuntimeRequest =
  | {
      kind: 'start';
      words: string[];
      flags: Record<string, unknown>;
      /** The long names of the flags typed (`--instances`), whatever their value. */
      given: string[];
    }
  | { kind: 'resurrect'; flags: { json?: boolean; metrics?: string } };

/**
 * tsm-runtime's command line: `tsm-runtime <script|ecosystem> [options]`, the same as
 * `tsm-runtime start ...`, whose options are `tsm start`'s (defined once, in ../program.ts), and
 * `tsm-runtime resurrect` for the systemd unit. The second home of commander: tsm-runtime is a
 * second executable, with a command line of its own.
 */
export function buildRuntimeProgram(ctx: CliContext, act: (request: RuntimeRequest) => Promise<void>): Command {
  const program = new Command('tsm-runtime')
    .description('the tsm daemon in the foreground, for containers: starts the apps, prints their logs, stops them on SIGTERM')
    .version(TSM_VERSION, '-v, --version')
    .exitOverride()
    .configureOutput({
      writeOut: (text) => ctx.stdout.write(text),
      writeErr: (text) => ctx.stderr.write(text),
    })
    .addHelpText(
      'after',
      '\nExit codes: 0 stopped by SIGTERM/SIGINT (or tsm kill), 1 no app left running or a failure, 2 usage error.\n' +
        'Home: $TSM_HOME, default ~/.tsm: `tsm list`, `tsm logs`, `tsm reload` work against this daemon.',
    );

  const start = program
    .command('start', { isDefault: true })
    .description('start a script or the apps of an ecosystem file, and run until SIGTERM')
    .argument('[script...]', 'a script to run, or an ecosystem file');
  startOptions(start)
    .option('--json', 'print log lines as JSON objects: time, app, id, stream, message')
    .option('--metrics <host:port>', 'serve /metrics, /healthz and /readyz there (0.0.0.0:9209 for a pod\'s probes)')
    .addHelpText(
      'after',
      '\nThe options are those of tsm start. Log files are off unless -o, -e or -l asks for one: the lines\n' +
        'go to stdout (the app\'s stdout) and stderr, as `name-id | line`.\n' +
        'Arguments for the script go after --:  tsm-runtime server.js -i max -- --port 3000',
    )
    .action(async (words: string[], flags: Record<string, unknown>, command: Command) => {
      const given = command.options
        .filter((option) => command.getOptionValueSource(option.attributeName()) === 'cli')
        .map((option) => option.long ?? option.name());
      await act({ kind: 'start', words, flags, given });
    });

  program
    .command('resurrect')
    .description("run the daemon in the foreground with the apps of the last 'tsm save' (what the systemd unit of tsm startup runs)")
    .option('--json', "print the daemon's lines as JSON objects")
    .option('--metrics <host:port>', 'serve /metrics, /healthz and /readyz there')
    .action(async (flags: { json?: boolean; metrics?: string }) => act({ kind: 'resurrect', flags }));
  return program;
}

export function isCleanExit(error: unknown): boolean {
  return error instanceof CommanderError && error.exitCode === 0;
}

export function isUsageError(error: unknown): error is CommanderError {
  return error instanceof CommanderError;
}
