/**
 * Node's flags for the daemon's own process, wherever tsm starts it: the background daemon the
 * CLI launches (client/launch-daemon.ts) and tsm-runtime under the systemd unit (systemd-unit.ts).
 * The apps never get them. Each was measured on its own (`npm run bench -- idle`, the logs flood
 * of `-- logs`, `-- soak`; figures in the README):
 *
 * --interrupt-budget=1081344 (16 times V8's default): how much a function must run before V8
 *   optimizes it with TurboFan. The first optimization pages in TurboFan's own code, 3.7 MB of
 *   the node binary, and with the default budget the daemon's start-up alone got there (path
 *   normalization while it loads its modules): an idle daemon showed 3.7 MB more RSS for
 *   functions it never runs again. With this budget, start-up, 50 `tsm start` and an idle
 *   daemon optimize nothing; code that is really hot (a log flood) still is, a few thousand
 *   calls later, which the flood does not show (same time and daemon CPU for 200,000 lines).
 *   Those pages are shared with every Node process on the machine, so this is RSS more than
 *   memory; RSS is what `ps` and `top` show.
 *
 * --max-semi-space-size=2 (MB; V8's default lets it grow to 16): the young generation, where
 *   short-lived objects (a log line on its way to its file) are made. Under a steady load V8
 *   grows it to its maximum and keeps it: the 3-minute soak went from 64 to 79 MB of RSS with
 *   the default, and stayed at 58 MB with 2 MB, for the same daemon CPU (7 % of a core); a
 *   flood of 200,000 lines took the same time and CPU. 1 MB made floods slower at times.
 */
export const DAEMON_NODE_FLAGS: readonly string[] = ['--interrupt-budget=1081344', '--max-semi-space-size=2'];
