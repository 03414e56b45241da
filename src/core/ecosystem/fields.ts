/**
 * The vocabulary of an app in an ecosystem file: the fields tsm reads, PM2's other spellings of
 * them, and PM2's fields that mean nothing in tsm. Everything else is unknown: named in a notice,
 * with the known field it most resembles (a typo such as `instance` would otherwise go unseen).
 */

/** Fields read, by their canonical (PM2 documentation) names. `env_<name>` is read too. */
export const KNOWN_FIELDS = new Set([
  'name', 'script', 'args', 'interpreter', 'interpreter_args', 'node_args', 'cwd', 'instances', 'exec_mode',
  'env', 'port', 'autorestart', 'max_restarts', 'min_uptime', 'restart_delay', 'exp_backoff_restart_delay',
  'stop_exit_codes', 'kill_timeout', 'kill_signal', 'shutdown_with_message', 'listen_timeout', 'wait_ready',
  'out_file', 'error_file', 'log_file', 'merge_logs', 'combine_logs', 'time', 'disable_logs',
  'log_date_format', 'log_type', 'log_max_size', 'log_retain', 'log_compress', 'log_rotate_interval',
  'max_memory_restart', 'watch', 'ignore_watch', 'watch_delay', 'watch_options', 'cron_restart',
  'instance_var', 'increment_var', 'pid_file', 'autostart', 'namespace',
]);

/** PM2's other names for a field, as people write them in real files: alias → canonical name. */
export const ALIASES: Readonly<Record<string, string>> = {
  cmd: 'script',
  exec_interpreter: 'interpreter',
  execMode: 'exec_mode',
  pid: 'pid_file',
  out: 'out_file',
  out_log: 'out_file',
  output: 'out_file',
  err: 'error_file',
  err_log: 'error_file',
  error: 'error_file',
  log: 'log_file',
  cron: 'cron_restart',
  ignoreWatch: 'ignore_watch',
};

/**
 * PM2 fields with no meaning in tsm, accepted and named once in a notice (not refused: files are
 * shared between PM2 and tsm users), with the reason a user would ask for.
 */
export const IGNORED_ON_PURPOSE: Readonly<Record<string, string>> = {
  pmx: 'PM2 Plus monitoring',
  automation: 'PM2 Plus monitoring',
  trace: 'PM2 Plus monitoring',
  disable_trace: 'PM2 Plus monitoring',
  deep_monitoring: 'PM2 Plus monitoring',
  io: 'PM2 Plus monitoring',
  vizion: 'PM2 version-control metadata',
  post_update: 'PM2 version-control metadata',
  treekill: "tsm always stops an app's children with it",
  force: 'tsm replaces a running app of the same name',
  source_map_support: 'Node reads source maps with --enable-source-maps (node_args)',
  disable_source_map_support: 'Node reads source maps with --enable-source-maps (node_args)',
  append_env_to_name: 'names are as written',
  appendEnvToName: 'names are as written',
  filter_env: "apps get the CLI's environment",
  windowsHide: 'tsm runs on Linux and macOS',
  uid: 'tsm runs apps as the user of its daemon',
  gid: 'tsm runs apps as the user of its daemon',
  user: 'tsm runs apps as the user of its daemon',
  username: 'tsm runs apps as the user of its daemon',
};

/** Top-level keys beside `apps`. */
export const TOP_LEVEL_IGNORED: Readonly<Record<string, string>> = {
  deploy: 'tsm has no deploy command; run your deploy tool, then `tsm startOrReload <file>`',
};

/** watch_options (chokidar's options in PM2): `ignored` is read as ignore_watch, the rest is not. */
export const WATCH_OPTIONS_READ = new Set(['ignored']);

/** The known field nearest to an unknown one (edit distance at most 2), for "did you mean". */
export function nearestField(unknown: string): string | null {
  let best: string | null = null;
  let bestDistance = 3;
  const candidates = [...KNOWN_FIELDS, ...Object.keys(ALIASES)];
  for (const candidate of candidates) {
    const distance = editDistance(unknown.toLowerCase(), candidate.toLowerCase());
    if (distance < bestDistance) {
      best = ALIASES[candidate] ?? candidate;
      bestDistance = distance;
    }
  }
  return best;
}

function editDistance(a: string, b: string): number {
  let previous = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i += 1) {
    const current = [i];
    for (let j = 1; j <= b.length; j += 1) {
      const cost = a[i - 1] === b[j - 1] ? 0 : 1;
      current.push(Math.min(previous[j]! + 1, current[j - 1]! + 1, previous[j - 1]! + cost));
    }
    previous = current;
  }
  return previous[b.length]!;
}
