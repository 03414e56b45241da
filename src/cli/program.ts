import { Command, CommanderError, Option } from 'commander';
import { TSM_VERSION } from '../protocol/version.js';
import type { CliContext } from './context.js';
import type { StartFlags } from './start-input.js';

/**
 * Command modules, loaded when their command runs. require(), not import(): these files are
 * CommonJS, and import() would start Node's ESM loader (~15 ms) on every command.
 */
const commands = {
  delete: () => require('./commands/delete.js') as typeof import('./commands/delete.js'),
  flush: () => require('./commands/flush.js') as typeof import('./commands/flush.js'),
  kill: () => require('./commands/kill.js') as typeof import('./commands/kill.js'),
  tools: () => require('./commands/process-tools.js') as typeof import('./commands/process-tools.js'),
  apply: () => require('./commands/apply-ecosystem.js') as typeof import('./commands/apply-ecosystem.js'),
  scheduling: () => require('./commands/cluster-scheduling.js') as typeof import('./commands/cluster-scheduling.js'),
  list: () => require('./commands/list.js') as typeof import('./commands/list.js'),
  logs: () => require('./commands/logs.js') as typeof import('./commands/logs.js'),
  metrics: () => require('./commands/metrics.js') as typeof import('./commands/metrics.js'),
  monit: () => require('./commands/monit.js') as typeof import('./commands/monit.js'),
  ping: () => require('./commands/ping.js') as typeof import('./commands/ping.js'),
  reload: () => require('./commands/reload.js') as typeof import('./commands/reload.js'),
  save: () => require('./commands/save.js') as typeof import('./commands/save.js'),
  restart: () => require('./commands/restart.js') as typeof import('./commands/restart.js'),
  show: () => require('./commands/show.js') as typeof import('./commands/show.js'),
  start: () => require('./commands/start.js') as typeof import('./commands/start.js'),
  stop: () => require('./commands/stop.js') as typeof import('./commands/stop.js'),
  update: () => require('./commands/update.js') as typeof import('./commands/update.js'),
  startup: () => require('./commands/startup.js') as typeof import('./commands/startup.js'),
};

/**
 * The command line, and the only user of commander. Each action loads its command module when
 * it runs, so `tsm list` does not pay for loading `start`'s code.
 */
export function buildProgram(ctx: CliContext, argv: readonly string[] = []): Command {
  const program = new Command('tsm')
    .description('A process manager for Node.js apps: run, keep alive, cluster, reload, log.')
    .version(TSM_VERSION, '-v, --version')
    .showSuggestionAfterError()
    .exitOverride()
    .configureOutput({
      writeOut: (text) => ctx.stdout.write(text),
      writeErr: (text) => ctx.stderr.write(text),
    })
    .addHelpText(
      'after',
      '\nExit codes: 0 success, 1 failure, 2 usage error.\nHome: $TSM_HOME, default ~/.tsm (socket, daemon log, app logs, saved app list).',
    );

  // Defining every command with its options costs ~25 ms per run; a run needs only its own.
  // Help, `help <command>` and an unknown word (for the suggestion) get them all.
  const wanted = DEFINITIONS.find((definition) => definition.names.includes(argv[0] ?? ''));
  const helpAsked = argv.includes('-h') || argv.includes('--help');
  for (const definition of wanted && !helpAsked ? [wanted] : DEFINITIONS) definition.define(program, ctx);
  return program;
}

interface Definition {
  names: string[];
  define(program: Command, ctx: CliContext): void;
}

/** Every command: its names (with aliases) and how it is defined. */
const DEFINITIONS: Definition[] = [
  {
    names: ['start'],
    define: (program, ctx) => {
      const command = program
        .command('start')
        .description('start a script (a new app), or start/restart apps by name or id')
        .argument('<script|name|id...>', 'a script to run, an ecosystem file, or the names/ids of known apps');
      startOptions(command)
        .addHelpText(
          'after',
          '\nArguments for the script go after --:  tsm start server.js -i 2 -- --port 3000\n' +
            '--watch takes paths until the next option: put it after the script (tsm start app.js --watch).',
        )
        .action(async (words: string[], flags: StartFlags & { interpreterArgs?: string; only?: string; env?: string }) => {
          await commands.start().start(ctx, words, { ...flags, nodeArgs: flags.nodeArgs ?? flags.interpreterArgs });
        });
    },
  },
  {
    names: ['stop'],
    define: (program, ctx) => {
      program
        .command('stop')
        .option('--only <names>', 'with an ecosystem file: only these apps')
        .description('stop apps (names, ids, or all); they stay in the list')
        .argument('<targets...>')
        .action(async (targets: string[], flags: { only?: string }) => commands.stop().stop(ctx, targets, flags));
    },
  },
  {
    names: ['restart'],
    define: (program, ctx) => {
      program
        .command('restart')
        .option('--only <names>', 'with an ecosystem file: only these apps')
        .description('stop then start apps: every process at once (see reload for zero downtime)')
        .argument('<targets...>')
        .option('--update-env', "put this shell's environment over the one the apps started with")
        .option('--watch', "from now on, restart on file changes in the app's folder")
        .action(async (targets: string[], flags: { updateEnv?: boolean; watch?: boolean; only?: string }) =>
          commands.restart().restart(ctx, targets, flags),
        );
    },
  },
  {
    names: ['reload'],
    define: (program, ctx) => {
      program
        .command('reload')
        .option('--only <names>', 'with an ecosystem file: only these apps')
        .description('zero-downtime reload: replace cluster workers one at a time (fork apps are restarted)')
        .argument('<targets...>')
        .option('--update-env', "give the new workers this shell's environment instead of the app's")
        .option('--parallel <n>', 'workers replaced at the same time (default 1)')
        .addHelpText(
          'after',
          '\nEach replacement must listen (or send ready, with --wait-ready) within --listen-timeout;\n' +
            'if it does not, the old worker keeps serving and reload exits 1. A second reload of the\n' +
            'same app while one runs is refused.',
        )
        .action(async (targets: string[], flags: { updateEnv?: boolean; parallel?: string; only?: string }) =>
          commands.reload().reload(ctx, targets, flags),
        );
    },
  },
  {
    names: ['delete', 'del'],
    define: (program, ctx) => {
      program
        .command('delete')
        .option('--only <names>', 'with an ecosystem file: only these apps')
        .alias('del')
        .description('stop apps and remove them from the list')
        .argument('<targets...>')
        .action(async (targets: string[], flags: { only?: string }) => commands.delete().remove(ctx, targets, flags));
    },
  },
  {
    names: ['list', 'ls', 'status', 'l'],
    define: (program, ctx) => {
      program
        .command('list')
        .aliases(['ls', 'status', 'l'])
        .description('the table of processes')
        .option('--json', "tsm's own JSON (see jlist for PM2's shape)")
        .action(async (options: { json?: boolean }) => commands.list().list(ctx, options));
    },
  },
  {
    names: ['jlist'],
    define: (program, ctx) => {
      program
        .command('jlist')
        .description("the processes as JSON with PM2's field names")
        .action(async () => commands.list().jlist(ctx));
    },
  },
  {
    names: ['startOrRestart', 'startOrReload'],
    define: (program, ctx) => {
      for (const how of ['restart', 'reload'] as const) {
        program
          .command(how === 'restart' ? 'startOrRestart' : 'startOrReload')
          .description(`read an ecosystem file again: ${how} its running apps with their new settings, start the others`)
          .argument('<file>', 'an ecosystem file')
          .option('--only <names>', 'only these apps (comma-separated)')
          .option('--env <name>', "merge each app's env_<name> over its env")
          .action(async (file: string, flags: { only?: string; env?: string }) => commands.apply().applyEcosystem(ctx, file, how, flags, true));
      }
    },
  },
  {
    names: ['scale'],
    define: (program, ctx) => {
      program
        .command('scale')
        .description('set the number of instances: 4, +2 or -1 (the highest instances stop first)')
        .argument('<app>')
        .argument('<count>')
        .action(async (app: string, count: string) => commands.tools().scale(ctx, app, count));
    },
  },
  {
    names: ['sendSignal', 'signal'],
    define: (program, ctx) => {
      program
        .command('sendSignal')
        .alias('signal')
        .description('send a signal (SIGUSR2, HUP...) to the processes of apps')
        .argument('<signal>')
        .argument('<targets...>')
        .action(async (signal: string, targets: string[]) => commands.tools().sendSignal(ctx, signal, targets));
    },
  },
  {
    names: ['reset'],
    define: (program, ctx) => {
      program
        .command('reset')
        .description('set the restart counters of apps back to 0')
        .argument('<targets...>')
        .action(async (targets: string[]) => commands.tools().reset(ctx, targets));
    },
  },
  {
    names: ['env'],
    define: (program, ctx) => {
      program
        .command('env')
        .description('the environment a process was started with')
        .argument('<target>', 'an id (or an app name: each of its processes)')
        .option('--json', 'as JSON')
        .action(async (target: string, options: { json?: boolean }) => commands.tools().env(ctx, target, options));
    },
  },
  {
    names: ['pid'],
    define: (program, ctx) => {
      program
        .command('pid')
        .description('the pids of an app (or of every app), one per line')
        .argument('[app]')
        .action(async (app: string | undefined) => commands.tools().pid(ctx, app));
    },
  },
  {
    names: ['show', 'describe', 'info'],
    define: (program, ctx) => {
      program
        .command('show')
        .aliases(['describe', 'info'])
        .description('everything about an app or a process')
        .argument('<targets...>')
        .option('--json', 'as JSON')
        .action(async (targets: string[], options: { json?: boolean }) =>
          commands.show().show(ctx, targets, options),
        );
    },
  },
  {
    names: ['logs'],
    define: (program, ctx) => {
      program
        .command('logs')
        .description('print the last lines of app logs, then follow new lines live')
        .argument('[target]', 'an app name, id, or all (default: all apps and the daemon)')
        .option('--lines <n>', 'lines printed from each file (default 15)')
        .option('--err', 'stderr only')
        .option('--out', 'stdout only')
        .option('--nostream', 'print the last lines and exit, without following')
        .option('--raw', 'bare lines, without the id|name prefix')
        .option('--json', 'one JSON object per line')
        .option('--timestamp [format]', 'prefix live lines with the time they arrived')
        .action(async (target: string | undefined, flags: Record<string, unknown>) =>
          commands.logs().logs(ctx, target, flags),
        );
    },
  },
  {
    names: ['flush'],
    define: (program, ctx) => {
      program
        .command('flush')
        .description('empty the log files of apps (default: all)')
        .argument('[targets...]')
        .action(async (targets: string[]) => commands.flush().flush(ctx, targets));
    },
  },
  {
    names: ['reloadLogs'],
    define: (program, ctx) => {
      program
        .command('reloadLogs')
        .description('reopen every log file (after an external logrotate moved them); also SIGUSR2 to the daemon')
        .action(async () => commands.flush().reloadLogs(ctx));
    },
  },
  {
    names: ['save', 'dump'],
    define: (program, ctx) => {
      program
        .command('save')
        .alias('dump')
        .description('remember the app list (and which apps run) for tsm resurrect')
        .action(async () => commands.save().save(ctx));
    },
  },
  {
    names: ['resurrect'],
    define: (program, ctx) => {
      program
        .command('resurrect')
        .description('start again the apps of the last tsm save (after a reboot or tsm kill)')
        .action(async () => commands.save().resurrect(ctx));
    },
  },
  {
    names: ['monit'],
    define: (program, ctx) => {
      program
        .command('monit')
        .description('a live dashboard: processes, cpu/memory history, logs of the selected one')
        .action(async () => commands.monit().monit(ctx));
    },
  },
  {
    names: ['ping'],
    define: (program, ctx) => {
      program
        .command('ping')
        .description('start the daemon if needed and check that it answers')
        .option('--json', 'as JSON')
        .action(async (options: { json?: boolean }) => commands.ping().ping(ctx, options));
    },
  },
  {
    names: ['metrics'],
    define: (program, ctx) => {
      const metrics = program
        .command('metrics')
        .description('the HTTP endpoint for Prometheus and probes: /metrics, /healthz, /readyz (off by default)');
      metrics
        .command('enable')
        .description('listen now and after every daemon restart (default: the last address, at first 127.0.0.1:9209)')
        .argument('[host:port]', 'e.g. 127.0.0.1:9209, 0.0.0.0:9209 (every interface), [::1]:9209, or a port alone')
        .option('--json', 'as JSON')
        .action(async (address: string | undefined, options: { json?: boolean }) => commands.metrics().enable(ctx, address, options));
      metrics
        .command('disable')
        .description('stop listening, now and after daemon restarts')
        .option('--json', 'as JSON')
        .action(async (options: { json?: boolean }) => commands.metrics().disable(ctx, options));
      metrics
        .command('status')
        .description('whether the endpoint is on, and where')
        .option('--json', 'as JSON')
        .action(async (options: { json?: boolean }) => commands.metrics().status(ctx, options));
    },
  },
  {
    names: ['cluster-scheduling'],
    define: (program, ctx) => {
      program
        .command('cluster-scheduling')
        .description("how cluster apps' connections reach their workers (daemon-wide; a change applies at the next daemon start)")
        .argument('[policy]', "'shared' (default: the workers accept for themselves) or 'round-robin' (the daemon deals them out)")
        .option('--json', 'as JSON')
        .addHelpText('after', '\nTSM_CLUSTER_SCHEDULING=shared|round-robin, set when a daemon starts, wins over the saved setting.')
        .action(async (policy: string | undefined, options: { json?: boolean }) => commands.scheduling().clusterScheduling(ctx, policy, options));
    },
  },
  {
    names: ['kill'],
    define: (program, ctx) => {
      program
        .command('kill')
        .description('stop every app, then the daemon')
        .action(async () => commands.kill().kill(ctx));
    },
  },
  {
    names: ['update'],
    define: (program, ctx) => {
      program
        .command('update')
        .description("after upgrading tsm or Node: save the apps, stop the old daemon, start them on this version's daemon")
        .action(async () => commands.update().update(ctx));
    },
  },
  {
    names: ['startup'],
    define: (program, ctx) => {
      program
        .command('startup')
        .description("start the daemon at boot: a systemd unit running it in the foreground with the apps of the last 'tsm save'")
        .argument('[system]', 'the init system: systemd (the only one supported)')
        .option('--print', 'print the unit to stdout and change nothing (any user)')
        .option('-u, --user <name>', 'the user the daemon and apps run as (default: the current one)')
        .option('--tsm-home <dir>', 'the TSM_HOME the daemon serves (default: the current one)')
        .addOption(new Option('--unit-dir <dir>', 'write the unit there and run no systemctl (tests)').hideHelp())
        .addHelpText('after', '\nAs root: writes /etc/systemd/system/tsm-<user>.service and enables it. Not root: prints the sudo command, exit 1.')
        .action(async (system: string | undefined, flags: Record<string, string | boolean>) => commands.startup().startup(ctx, system, flags));
    },
  },
  {
    names: ['unstartup'],
    define: (program, ctx) => {
      program
        .command('unstartup')
        .description('disable and remove the unit of tsm startup (a running daemon keeps running)')
        .argument('[system]', 'the init system: systemd')
        .option('-u, --user <name>', 'whose unit (default: the current user)')
        .addOption(new Option('--unit-dir <dir>', 'remove the unit from there and run no systemctl (tests)').hideHelp())
        .action(async (system: string | undefined, flags: Record<string, string | boolean>) => commands.startup().unstartup(ctx, system, flags));
    },
  },
];

/**
 * The options of `tsm start`, defined once: tsm-runtime takes the same (src/cli/runtime/program.ts),
 * so a flag added here is one it knows too (and must carry out or refuse, see runtime/plan.ts).
 */
export function startOptions(command: Command): Command {
  return command
    .option('--only <names>', 'with an ecosystem file: only these apps (comma-separated)')
    .option('--env <name>', "with an ecosystem file: merge each app's env_<name> over its env")
    .option('-n, --name <name>', 'app name (default: the script file name)')
    .option('-i, --instances <n>', "cluster mode with N workers; 'max' or 0: one per CPU; -N: CPUs minus N")
    .option('--interpreter <cmd>', "what runs the script: node, python3, bash... or 'none' for an executable")
    .option('--node-args <args>', 'arguments for the interpreter, e.g. "--max-old-space-size=512"')
    .addOption(new Option('--interpreter-args <args>', 'same as --node-args').hideHelp())
    .option('--cwd <dir>', 'working directory of the app (default: the current one)')
    .option('--max-restarts <n>', 'crashes within min-uptime before the app is marked errored (default 16)')
    .option('--min-uptime <ms>', 'a run shorter than this counts as unstable (default 1000)')
    .option('--restart-delay <ms>', 'wait before restarting a crashed app (default 0)')
    .option('--exp-backoff-restart-delay <ms>', 'restart delay growing x1.5 per crash, capped at 15s')
    .option('--no-autorestart', 'do not restart the app when it exits')
    .option('--stop-exit-codes <codes...>', 'exit codes after which the app is not restarted')
    .option('--kill-signal <signal>', 'signal for a graceful stop (default SIGINT, as PM2)')
    .option('-k, --kill-timeout <ms>', 'time between the stop signal and SIGKILL (default 5000; PM2: 1600)')
    .option('--shutdown-with-message', "send process.send('shutdown') instead of a signal")
    .option('--listen-timeout <ms>', 'time a reloaded worker has to listen (default 3000)')
    .option('--wait-ready', "a worker is ready when it calls process.send('ready'), not when it listens")
    .option('-f, --force', 'start even if an app of that name runs: it is replaced')
    .option('-o, --output <file>', 'stdout log file (relative to the app cwd; NULL for none)')
    .option('-e, --error <file>', 'stderr log file (relative to the app cwd; NULL for none)')
    .option('-l, --log <file>', 'one more file with stdout and stderr together')
    .option('--merge-logs', 'cluster instances share one file per stream (no -<id> suffix)')
    .option('--time', 'put a timestamp in front of every line')
    .option('--log-date-format <format>', 'timestamp format, e.g. "YYYY-MM-DD HH:mm:ss Z"')
    .option('--log-type <type>', 'json: one JSON object per line')
    .option('--log-max-size <size>', 'rotate a log file at this size (default 10M; 0: never)')
    .option('--log-retain <n>', 'rotated files kept per log file (default 5)')
    .option('--log-compress', 'gzip rotated files')
    .option('--log-rotate-interval <interval>', 'also rotate on a clock: 1d, 12h, 30m...')
    .option('--max-memory-restart <size>', 'restart (cluster: reload) a process past this memory: 300M, 1G, 512K')
    .option('--watch [paths...]', "restart (cluster: reload) on file changes in the app's cwd, or in these paths")
    .option('--ignore-watch <paths...>', 'paths or globs that never trigger a restart (node_modules and dot-folders never do)')
    .option('--watch-delay <ms>', 'changes within this time make one restart (default 1000)')
    .option('-c, --cron-restart <expr>', 'restart (cluster: reload) on a schedule: "0 3 * * *", 6 fields with seconds; 0 for none')
    .addOption(new Option('--cron <expr>', 'same as --cron-restart').hideHelp())
    .option('--instance-var <name>', 'the variable holding the instance number (default NODE_APP_INSTANCE)')
    .option('--increment-var <name>', 'a variable, such as PORT, incremented by one per instance')
    .option('--pid <file>', "write each process's pid to this file (relative to the app cwd)")
    .option('--no-autostart', 'register the app without starting it (start it later with tsm start <name>)')
    .option('--namespace <ns>', 'a group of apps, usable as a target like a name (default: default)');
}

/** Help and --version end commander's parse with a "success" CommanderError. */
export function isCleanExit(error: unknown): boolean {
  return error instanceof CommanderError && error.exitCode === 0;
}

export function isUsageError(error: unknown): error is CommanderError {
  return error instanceof CommanderError;
}
