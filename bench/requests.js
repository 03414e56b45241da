'use strict';
// Issue 8: the daemon under many clients at once. 2,000 requests (list, describe, ping) over 50
// parallel connections to a daemon with 3 apps: errors (goal 0) and latency percentiles.
const { join } = require('node:path');
const { performance } = require('node:perf_hooks');
const { tsm } = require('./lib/managers.js');
const { ms } = require('./lib/stats.js');
const { DaemonConnection } = require('../dist/client/connection.js');

const REQUESTS = Number(process.env.BENCH_REQUESTS ?? 2000);
const CONNECTIONS = Number(process.env.BENCH_CONNECTIONS ?? 50);
const APP = join(__dirname, 'apps', 'idle-http.js');

const percentile = (sorted, p) => sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))];

async function main() {
  const manager = tsm();
  try {
    for (const name of ['a', 'b', 'c']) await manager.cmd('start', APP, '--name', name, '-i', '1');
    const paths = { socketPath: join(manager.home, 'tsm.sock'), daemonLog: join(manager.home, 'daemon.log') };
    const connections = await Promise.all(Array.from({ length: CONNECTIONS }, () => DaemonConnection.open(paths)));
    const methods = [
      (c) => c.request('list', {}),
      (c) => c.request('describe', { targets: ['a'] }),
      (c) => c.request('ping', {}),
    ];
    const latencies = [];
    let errors = 0;
    let next = 0;
    const began = performance.now();
    await Promise.all(
      connections.map(async (connection) => {
        for (let i = next++; i < REQUESTS; i = next++) {
          const start = performance.now();
          try {
            await methods[i % methods.length](connection);
            latencies.push(performance.now() - start);
          } catch {
            errors += 1;
          }
        }
      }),
    );
    const total = performance.now() - began;
    for (const connection of connections) connection.close();
    latencies.sort((a, b) => a - b);
    console.log(`\n## Requests: ${REQUESTS} (list, describe, ping) over ${CONNECTIONS} connections, 3 apps\n`);
    console.log('| errors | p50 | p99 | max | total |');
    console.log('|---|---|---|---|---|');
    console.log(
      `| ${errors} | ${ms(percentile(latencies, 50))} | ${ms(percentile(latencies, 99))} | ${ms(latencies[latencies.length - 1])} | ${ms(total)} |`,
    );
  } finally {
    await manager.cleanup();
  }
}

module.exports = { main };
if (require.main === module) main();
