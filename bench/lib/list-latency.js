'use strict';
// How long a `list` takes: over the daemon's socket (connect, hello, request, reply: the
// daemon's own share of a `tsm list`), and as the whole CLI (a fresh Node process per run).
const { execFile } = require('node:child_process');
const { join } = require('node:path');
const { performance } = require('node:perf_hooks');
const { ROOT } = require('./managers.js');

async function socketList(home) {
  const { DaemonConnection } = require(join(ROOT, 'dist', 'client', 'connection.js'));
  const began = performance.now();
  const connection = await DaemonConnection.open({ socketPath: join(home, 'tsm.sock'), daemonLog: join(home, 'daemon.log') });
  try {
    await connection.request('list', {});
  } finally {
    connection.close();
  }
  return performance.now() - began;
}

function cliList(manager) {
  return new Promise((resolve, reject) => {
    const began = performance.now();
    execFile(process.execPath, [manager.bin, 'list'], { env: manager.env, maxBuffer: 16 * 1024 * 1024 }, (error) =>
      error ? reject(error) : resolve(performance.now() - began),
    );
  });
}

/** `runs` in a row (not at once: one user typing, one probe polling). */
async function sample(runs, once) {
  const times = [];
  for (let i = 0; i < runs; i += 1) times.push(await once());
  return times;
}

/** p50 and p99 (nearest rank) in ms. */
function percentiles(times) {
  const sorted = [...times].sort((a, b) => a - b);
  const at = (q) => sorted[Math.min(sorted.length - 1, Math.ceil(q * sorted.length) - 1)];
  return { p50: at(0.5), p99: at(0.99) };
}

module.exports = { socketList, cliList, sample, percentiles };
