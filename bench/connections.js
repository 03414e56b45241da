'use strict';
// Issue 11's connection-heavy cluster traffic: a new connection per request (`Connection: close`,
// 20 closed-loop clients) against one plain `node` process and against 2 cluster workers under
// tsm and PM2, each with Node's two scheduling policies (round-robin: the daemon accepts and
// passes each connection on; shared: the workers accept on the socket the daemon bound).
//
// Two load generators: bench/lib/load.js (Node; it takes about a core, which caps any server with
// more than one process on 2 cores) and wrk (C; skipped, with a line saying so, when missing),
// so the figures also say what the server itself can do. Per window: req/s, the share of the
// busiest worker (from the app's own counts), the daemon's CPU, and the CPU of daemon and workers
// per request: what the server costs, the figure a busy machine moves least. Then `list`
// latency, over the socket and as the whole CLI, quiet and while the app takes a flood of new
// connections.
//
// BENCH_CONN_SECONDS (6) per window, BENCH_CONN_ROUNDS (3) rounds taken in turns, medians;
// BENCH_CONN_LIST_RUNS (20; 0: none) CLI lists, 5x that over the socket; BENCH_CONN_PM2=0 leaves PM2 out,
// BENCH_CONN_KEEPALIVE=0 the keep-alive windows (there for comparison); BENCH_CONN_MAX_OTHER=0.3
// takes a window again while other processes use more than 0.3 of a core (see below);
// BENCH_TSM_ALT_BIN=/path/to/bin/tsm.js adds another tsm build with both policies.
const { setTimeout: delay } = require('node:timers/promises');
const { median } = require('./lib/stats.js');
const { startLoad } = require('./lib/load.js');
const { wrkAvailable, runWrk, startWrkFlood } = require('./lib/wrk.js');
const { plainServer, managedServer, acceptors, observe } = require('./lib/conn-servers.js');
const { socketList, cliList, sample, percentiles } = require('./lib/list-latency.js');

const SECONDS = Number(process.env.BENCH_CONN_SECONDS ?? 6);
const ROUNDS = Number(process.env.BENCH_CONN_ROUNDS ?? 3);
const LIST_RUNS = Number(process.env.BENCH_CONN_LIST_RUNS ?? 20);
const WITH_PM2 = process.env.BENCH_CONN_PM2 !== '0';
const WITH_KEEPALIVE = process.env.BENCH_CONN_KEEPALIVE !== '0';
// On a shared machine: a window during which other processes took more than this share of a core
// is taken again after a pause (up to BENCH_CONN_RETRIES times, then kept and counted as noisy).
const MAX_OTHER = Number(process.env.BENCH_CONN_MAX_OTHER ?? Infinity);
const RETRIES = Number(process.env.BENCH_CONN_RETRIES ?? 40);
const ALT_BIN = process.env.BENCH_TSM_ALT_BIN;

const nodeLoad = (keepAlive) => async (port) => {
  const load = startLoad({ port, clients: 20, keepAlive });
  await delay(SECONDS * 1000);
  const result = await load.stop();
  return { rate: result.ok / SECONDS, failed: result.failed };
};

const GENERATORS = [
  { name: 'Node load generator (bench/lib/load.js), new connection per request', short: 'node close', run: nodeLoad(false) },
  { name: 'wrk -t1 -c20, new connection per request', short: 'wrk close', wrk: true, run: (port) => runWrk({ port, seconds: SECONDS }) },
  // Keep-alive for comparison: 20 connections for the whole window, spread once when they open.
  { name: 'Node load generator, keep-alive', short: 'node keep-alive', keepAlive: true, run: nodeLoad(true) },
  { name: 'wrk -t1 -c20, keep-alive', short: 'wrk keep-alive', wrk: true, keepAlive: true, run: (port) => runWrk({ port, seconds: SECONDS, keepAlive: true }) },
];

async function startServers() {
  const servers = [
    await plainServer(),
    await managedServer('tsm', 'tsm shared (default)', { TSM_CLUSTER_SCHEDULING: 'shared' }),
    await managedServer('tsm', 'tsm round-robin', { TSM_CLUSTER_SCHEDULING: 'round-robin' }),
  ];
  if (ALT_BIN) {
    servers.push(await managedServer('tsm', 'tsm (alt build) shared', { TSM_CLUSTER_SCHEDULING: 'shared' }, ALT_BIN));
    servers.push(await managedServer('tsm', 'tsm (alt build) round-robin', { TSM_CLUSTER_SCHEDULING: 'round-robin' }, ALT_BIN));
  }
  if (WITH_PM2) {
    servers.push(await managedServer('pm2', 'pm2 (round-robin, its default)', {}));
    servers.push(await managedServer('pm2', 'pm2 SCHED_NONE (NODE_CLUSTER_SCHED_POLICY=none)', { NODE_CLUSTER_SCHED_POLICY: 'none' }));
  }
  return servers.filter(Boolean);
}

const pct = (x) => (x === null ? '-' : `${Math.round(x * 100)}%`);

function throughputTable(generator, servers, windows) {
  // Each round's ratio against the plain node of the same round, then their median: the load
  // of a shared machine drifts between rounds more than within one.
  const plainRates = windows.get(servers[0].name).map((w) => w.rate);
  console.log(`\n## ${generator.name}: 20 clients, ${SECONDS} s x ${ROUNDS} rounds (medians)`);
  console.log('| server | req/s | against plain node | busiest worker | daemon CPU | server CPU per request | other CPU | failed |');
  console.log('| --- | --- | --- | --- | --- | --- | --- | --- |');
  for (const server of servers) {
    const list = windows.get(server.name);
    const rate = median(list.map((w) => w.rate));
    const ratio = median(list.map((w, round) => w.rate / plainRates[round]));
    const share = server.daemonPid ? pct(median(list.map((w) => w.busiestShare ?? 1))) : '-';
    const cpu = server.daemonPid ? pct(median(list.map((w) => w.daemonCpu))) : '-';
    const failed = list.reduce((n, w) => n + w.failed, 0);
    const perRequest = `${Math.round(median(list.map((w) => w.cpuPerRequestUs ?? 0)))} µs`;
    const others = pct(median(list.map((w) => w.otherCpu)));
    console.log(`| ${server.name} | ${Math.round(rate)} | ${ratio.toFixed(2)}x | ${share} | ${cpu} | ${perRequest} | ${others} | ${failed} |`);
  }
}

async function listLatencies(server, useWrk) {
  const { manager } = server;
  const isTsm = manager.bin.endsWith('tsm.js');
  const measure = async () => ({
    socket: isTsm ? percentiles(await sample(LIST_RUNS * 5, () => socketList(manager.home))) : null,
    cli: percentiles(await sample(LIST_RUNS, () => cliList(manager))),
  });
  const quiet = await measure();
  const flood = useWrk ? startWrkFlood({ port: server.port }) : startLoad({ port: server.port, clients: 20, keepAlive: false });
  let flooded;
  try {
    await delay(500);
    flooded = await measure();
  } finally {
    await flood.stop();
  }
  return { quiet, flooded };
}

const loadAverage = () => require('node:os').loadavg()[0].toFixed(2);

async function main() {
  const loadAtStart = loadAverage();
  const hasWrk = wrkAvailable();
  const generators = GENERATORS.filter((g) => (!g.wrk || hasWrk) && (!g.keepAlive || WITH_KEEPALIVE));
  const servers = await startServers();
  for (const server of servers) server.acceptedBy = acceptors(server);
  const windows = new Map(generators.map((g) => [g, new Map(servers.map((s) => [s.name, []]))]));
  const latencies = new Map();
  let noisy = 0;
  try {
    for (let round = 0; round < ROUNDS; round += 1) {
      for (const generator of generators) {
        for (const server of servers) {
          let window = await observe(server, SECONDS, () => generator.run(server.port));
          for (let retry = 0; window.otherCpu > MAX_OTHER && retry < RETRIES; retry += 1) {
            await delay(5000);
            window = await observe(server, SECONDS, () => generator.run(server.port));
          }
          if (window.otherCpu > MAX_OTHER) noisy += 1;
          windows.get(generator).get(server.name).push(window);
          process.stderr.write(`round ${round + 1} ${generator.short} ${server.name}: ${Math.round(window.rate)} req/s\n`);
        }
      }
    }
    for (const server of servers) {
      if (server.manager && LIST_RUNS > 0) latencies.set(server.name, await listLatencies(server, hasWrk));
    }
  } finally {
    for (const server of servers) await server.close();
  }

  console.log(`\n(load average ${loadAtStart} at the start, ${loadAverage()} at the end, on ${require('node:os').availableParallelism()} cores)`);
  if (Number.isFinite(MAX_OTHER)) console.log(`(windows taken again while other processes used over ${pct(MAX_OTHER)} of a core; ${noisy} kept anyway after ${RETRIES} tries)`);
  if (!hasWrk) console.log('\n(wrk is not installed: its windows are skipped, and the Node generator floods for the list latency. Debian: apt-get install -y wrk)');
  for (const generator of generators) throughputTable(generator, servers, windows.get(generator));
  console.log('\n## who holds the listening socket (accepts connections)');
  console.log('| server | holders |');
  console.log('| --- | --- |');
  for (const server of servers) console.log(`| ${server.name} | ${server.acceptedBy} |`);

  if (latencies.size === 0) return;
  const ms = (p) => (p ? `${p.p50.toFixed(1)} / ${p.p99.toFixed(1)}` : '-');
  console.log(`\n## list latency, p50 / p99 ms, quiet and while flooded (${hasWrk ? 'wrk' : 'Node generator'}, new connection per request)`);
  console.log(`| server | socket list, quiet (${LIST_RUNS * 5}) | socket list, flooded | CLI list, quiet (${LIST_RUNS}) | CLI list, flooded |`);
  console.log('| --- | --- | --- | --- | --- |');
  for (const [name, l] of latencies) {
    console.log(`| ${name} | ${ms(l.quiet.socket)} | ${ms(l.flooded.socket)} | ${ms(l.quiet.cli)} | ${ms(l.flooded.cli)} |`);
  }
}

module.exports = { main };
if (require.main === module) main();
