'use strict';
// Issue 2's figures, tsm and PM2 side by side: with 20 apps running, the median time of `list`,
// the time from `start` of a fork app until its port answers, and the daemon's RSS.
const { join } = require('node:path');
const { performance } = require('node:perf_hooks');
const { tsm, pm2, rssOf } = require('./lib/managers.js');
const { median, ms, mb, ratio } = require('./lib/stats.js');
const { answers, freePort, waitFor } = require('./lib/net.js');

const APPS = 20;
const LIST_RUNS = Number(process.env.BENCH_LIST_RUNS ?? 25);
const START_RUNS = Number(process.env.BENCH_START_RUNS ?? 5);
const APP = join(__dirname, 'apps', 'idle-http.js');

async function measure(manager) {
  for (let i = 0; i < APPS; i += 1) {
    const port = await freePort();
    manager.env.PORT = String(port);
    await manager.cmd('start', APP, '--name', `app${i}`);
  }
  // Let the daemon settle (sampling, first GCs) before reading its memory.
  await waitFor(async () => (await manager.pids('app19')).every((pid) => pid > 0), 10_000);
  const listTimes = [];
  for (let i = 0; i < LIST_RUNS; i += 1) {
    const began = performance.now();
    await manager.cmd('list');
    listTimes.push(performance.now() - began);
  }
  const startTimes = [];
  for (let i = 0; i < START_RUNS; i += 1) {
    const port = await freePort();
    manager.env.PORT = String(port);
    const began = performance.now();
    await manager.cmd('start', APP, '--name', `probe${i}`);
    await waitFor(() => answers(port), 10_000, 2);
    startTimes.push(performance.now() - began);
    await manager.cmd('delete', `probe${i}`);
  }
  const rss = rssOf(await manager.daemonPid());
  return { list: median(listTimes), start: median(startTimes), rss };
}

/** Bare Node's start in the same run: the floor every CLI command stands on, and how loaded the machine is. */
async function nodeBaseline() {
  const { execFile } = require('node:child_process');
  const { baseEnv } = require('./lib/managers.js');
  const times = [];
  for (let i = 0; i < LIST_RUNS; i += 1) {
    const began = performance.now();
    await new Promise((resolve, reject) =>
      execFile(process.execPath, ['-e', '0'], { env: baseEnv({}) }, (error) => (error ? reject(error) : resolve())),
    );
    times.push(performance.now() - began);
  }
  return median(times);
}

async function main() {
  const results = {};
  const bare = await nodeBaseline();
  for (const make of [tsm, pm2]) {
    const manager = make();
    if (!manager) continue;
    try {
      results[manager.name] = await measure(manager);
    } finally {
      await manager.cleanup();
    }
  }
  const t = results.tsm;
  const p = results.pm2;
  console.log(`\n## spine: ${APPS} apps running (medians; list x${LIST_RUNS}, start x${START_RUNS})`);
  console.log('| figure | tsm | pm2 | pm2/tsm |');
  console.log('| --- | --- | --- | --- |');
  console.log(`| list | ${ms(t.list)} | ${p ? ms(p.list) : '-'} | ${p ? ratio(t.list, p.list) : '-'} |`);
  console.log(`| start until the port answers | ${ms(t.start)} | ${p ? ms(p.start) : '-'} | ${p ? ratio(t.start, p.start) : '-'} |`);
  console.log(`| daemon RSS | ${mb(t.rss)} | ${p ? mb(p.rss) : '-'} | ${p ? ratio(t.rss, p.rss) : '-'} |`);
  console.log(`\nBaseline in the same run: \`node -e 0\` median ${ms(bare)} (the floor under every command).`);
  return results;
}

module.exports = { main };
if (require.main === module) main();
