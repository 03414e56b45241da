'use strict';
// Issue 11's connection-heavy cluster traffic: a new connection per request (`Connection: close`,
// 20 closed-loop clients) against 2 tsm cluster workers and against one plain `node server.js`,
// taking turns for BENCH_CONN_ROUNDS rounds of BENCH_CONN_SECONDS each; req/s medians.
// BENCH_TSM_ALT_BIN=/a/bin/tsm.js:/b/bin/tsm.js adds other tsm builds (e.g. one with
// cluster.schedulingPolicy = SCHED_NONE) as further cases.
const { spawn } = require('node:child_process');
const { join } = require('node:path');
const { setTimeout: delay } = require('node:timers/promises');
const { tsm, baseEnv } = require('./lib/managers.js');
const { median } = require('./lib/stats.js');
const { freePort, waitFor } = require('./lib/net.js');
const { startLoad } = require('./lib/load.js');

const SECONDS = Number(process.env.BENCH_CONN_SECONDS ?? 8);
const ROUNDS = Number(process.env.BENCH_CONN_ROUNDS ?? 3);
const APP = join(__dirname, 'apps', 'naive.js');

async function ready(port) {
  const http = require('node:http');
  await waitFor(
    () =>
      new Promise((resolve) => {
        http.get({ host: '127.0.0.1', port, agent: false }, (res) => resolve(res.statusCode === 200) || res.resume()).on('error', () => resolve(false));
      }),
    20_000,
  );
}

async function plainCase() {
  const port = await freePort();
  const child = spawn(process.execPath, [APP], { env: baseEnv({ PORT: String(port) }), stdio: 'ignore' });
  await ready(port);
  return { name: 'plain node', port, close: async () => child.kill() };
}

async function tsmCase(bin, name) {
  const manager = bin ? tsm(bin, name) : tsm();
  const port = await freePort();
  manager.env.PORT = String(port);
  await manager.cmd('start', APP, '--name', 'web', '-i', '2');
  await ready(port);
  return { name: manager.name, port, close: () => manager.cleanup() };
}

async function main() {
  const alts = (process.env.BENCH_TSM_ALT_BIN ?? '').split(':').filter(Boolean);
  const cases = [await plainCase(), await tsmCase(), ...(await Promise.all(alts.map((alt) => tsmCase(alt, `tsm (${alt})`))))];
  const rates = new Map(cases.map((c) => [c.name, []]));
  try {
    for (let round = 0; round < ROUNDS; round += 1) {
      for (const c of cases) {
        const load = startLoad({ port: c.port, clients: 20, keepAlive: false });
        await delay(SECONDS * 1000);
        const result = await load.stop();
        rates.get(c.name).push({ rate: result.ok / SECONDS, failed: result.failed });
      }
    }
  } finally {
    for (const c of cases) await c.close();
  }
  const plain = median(rates.get('plain node').map((r) => r.rate));
  console.log(`\n## new connection per request: 20 clients, ${SECONDS} s x ${ROUNDS} rounds (medians)`);
  console.log('| server | req/s | against plain node | failed |');
  console.log('| --- | --- | --- | --- |');
  for (const [name, list] of rates) {
    const rate = median(list.map((r) => r.rate));
    console.log(`| ${name} | ${Math.round(rate)} | ${(rate / plain).toFixed(2)}x | ${list.reduce((n, r) => n + r.failed, 0)} |`);
  }
}

module.exports = { main };
if (require.main === module) main();
