import type { SchedulingPolicy } from './cluster-scheduling.js';

/**
 * Node's flags for the daemon's own process, wherever tsm starts it: the background daemon the
 * CLI launches (client/launch-daemon.ts) and tsm-runtime under the systemd unit (systemd-unit.ts).
 * The apps never get them. Measured one at a time (`npm run bench -- idle`, the floods of
 * `-- logs`, `-- soak`, `-- connections`; figures in the README):
 *
 * --max-semi-space-size=2 (MB; V8 lets it grow to 16 by default): the young generation, where
 *   short-lived objects (a log line on its way to its file) are made. Under a steady load V8
 *   grows it to its maximum and keeps it: in a 3-minute soak the daemon's RSS went from 64 to
 *   79 MB with the default and stayed at 58 MB with 2 MB, for the same daemon CPU, and a flood
 *   of 200,000 lines took the same time and CPU. 1 MB made floods slower at times.
 *
 * --jitless (with --no-expose-wasm, which it implies and would otherwise warn about): the daemon
 *   runs its own code in V8's interpreter. Its work is waiting on pipes, sockets and timers, and
 *   its heavy lifting (reading pipes, writing files, JSON) is in Node's and V8's native code, which
 *   the flag does not touch; what it spares is the compilers: their code in the node binary, that
 *   compiling pages in, and the machine code and type feedback they make. RSS with 0 / 20 / 50
 *   apps: 41.6 / 44.3 / 49.9 MB instead of 46.9 / 50.8 / 57.1; the same idle CPU; a flood of
 *   200,000 log lines in the same time and daemon CPU. What it costs: 50 apps started 2 % and
 *   stopped 14 % slower (80 and 90 ms), and, where the daemon is on the path of every connection
 *   (round-robin scheduling), 12-22 % fewer new connections per second; so a daemon that will
 *   deal out connections keeps the compilers.
 */
const ALWAYS: readonly string[] = ['--max-semi-space-size=2'];
const INTERPRETED: readonly string[] = ['--jitless', '--no-expose-wasm'];

/** The flags for a daemon that will run with this cluster scheduling policy. */
export function daemonNodeFlags(scheduling: SchedulingPolicy): string[] {
  return scheduling === 'round-robin' ? [...ALWAYS] : [...ALWAYS, ...INTERPRETED];
}

/** Whether this process runs interpreted: a round-robin daemon started with the flags of another policy. */
export function runsInterpreted(execArgv: readonly string[]): boolean {
  return execArgv.includes('--jitless');
}
