/**
 * Node's flags for the daemon's own process, wherever tsm starts it: the background daemon the
 * CLI launches (client/launch-daemon.ts) and tsm-runtime under the systemd unit (systemd-unit.ts).
 * The apps never get them. Measured one at a time (`npm run bench -- idle`, the floods of
 * `-- logs`, `-- soak`; figures in the README):
 *
 * --max-semi-space-size=2 (MB; V8 lets it grow to 16 by default): the young generation, where
 *   short-lived objects (a log line on its way to its file) are made. Under a steady load V8
 *   grows it to its maximum and keeps it: in a 3-minute soak the daemon's RSS went from 64 to
 *   79 MB with the default and stayed at 58 MB with 2 MB, for the same daemon CPU, and a flood
 *   of 200,000 lines took the same time and CPU. 1 MB made floods slower at times.
 *
 * Not here: a larger --interrupt-budget keeps V8 from optimizing anything at start-up, which
 * spares an idle daemon the 3.7 MB of TurboFan's own code in the node binary, but only for a
 * while: sampling runs path.join for every pid, and with 20 apps that was hot enough after
 * 5 minutes. --no-opt spares it for good and cost 15-30 % of the connections a cluster app
 * takes through the daemon.
 */
export const DAEMON_NODE_FLAGS: readonly string[] = ['--max-semi-space-size=2'];
