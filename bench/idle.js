'use strict';
// Issue 11's idle daemon, tsm and PM2 side by side: the daemon's CPU (% of one core over 10 s
// windows, median of BENCH_IDLE_WINDOWS) with no app and with 20 idle apps, and its RSS with 20
// and 50 apps. The managers are measured in turn, the windows of one manager interleaved with
// nothing else, so read the figures with the machine's load in mind (printed with them).
// BENCH_TSM_ALT_BIN=/path/to/bin/tsm.js adds another tsm build (e.g. before a change).
const { join } = require('node:path');
const { setTimeout: delay } = require('node:timers/promises');
const { loadavg } = require('node:os');
const { tsm, pm2, rssOf, cpuMsOf } = require('./lib/managers.js');
const { median, mb } = require('./lib/stats.js');
const { freePort, waitFor } = require('./lib/net.js');

const WINDOW_MS = Number(process.env.BENCH_IDLE_WINDOW_MS ?? 10_000);
const WINDOWS = Number(process.env.BENCH_IDLE_WINDOWS ?? 3);
const APP = join(__dirname, 'apps', 'idle-http.js');

async function cpuPercent(pid) {
  const windows = [];
  for (let i = 0; i < WINDOWS; i += 1) {
    const before = cpuMsOf(pid);
    await delay(WINDOW_MS);
    windows.push(((cpuMsOf(pid) - before) / WINDOW_MS) * 100);
  }
  return median(windows);
}

async function startApps(manager, from, to) {
  for (let i = from; i < to; i += 1) {
    manager.env.PORT = String(await freePort());
    await manager.cmd('start', APP, '--name', `app${i}`);
  }
  await waitFor(async () => (await manager.pids(`app${to - 1}`)).every((pid) => pid > 0), 20_000);
}

async function measure(manager) {
  await manager.cmd('ping');
  const pid = await manager.daemonPid();
  await delay(2_000); // past the start-up work
  const idle = await cpuPercent(pid);
  const rss0 = rssOf(pid);
  await startApps(manager, 0, 20);
  await delay(2_000);
  const idle20 = await cpuPercent(pid);
  const rss20 = rssOf(pid);
  await startApps(manager, 20, 50);
  await delay(3_000);
  const rss50 = rssOf(pid);
  return { idle, idle20, rss0, rss20, rss50 };
}

async function main() {
  const makers = [() => tsm(), pm2];
  const alt = process.env.BENCH_TSM_ALT_BIN;
  if (alt) makers.splice(1, 0, () => tsm(alt, 'tsm (alt build)'));
  const results = [];
  for (const make of makers) {
    const manager = make();
    if (!manager) continue;
    try {
      results.push({ name: manager.name, load: loadavg()[0], ...(await measure(manager)) });
    } finally {
      await manager.cleanup();
    }
  }
  const pct = (value) => `${value.toFixed(2)} %`;
  console.log(`\n## idle daemon (CPU: median of ${WINDOWS} windows of ${WINDOW_MS / 1000} s, all threads)`);
  console.log('| manager | CPU, no app | CPU, 20 idle apps | RSS, no app | RSS, 20 apps | RSS, 50 apps | load avg |');
  console.log('| --- | --- | --- | --- | --- | --- | --- |');
  for (const r of results) {
    console.log(`| ${r.name} | ${pct(r.idle)} | ${pct(r.idle20)} | ${mb(r.rss0)} | ${mb(r.rss20)} | ${mb(r.rss50)} | ${r.load.toFixed(1)} |`);
  }
  return results;
}

module.exports = { main };
if (require.main === module) main();
