'use strict';
// Issue 10's figures for the metrics endpoint: the daemon's RSS with 20 apps before and after
// `tsm metrics enable` (the endpoint's code is loaded only then), and the latency of a /metrics
// scrape with 50 processes (median and p99 over SCRAPES sequential scrapes on one keep-alive
// connection, as Prometheus does). PM2 has no built-in metrics endpoint to compare with.
const http = require('node:http');
const { join } = require('node:path');
const { performance } = require('node:perf_hooks');
const { setTimeout: delay } = require('node:timers/promises');
const { tsm, rssOf } = require('./lib/managers.js');
const { median, ms, mb } = require('./lib/stats.js');
const { freePort, waitFor } = require('./lib/net.js');

const APPS = 20;
const PROCESSES = 50;
const SCRAPES = Number(process.env.BENCH_SCRAPES ?? 200);
const APP = join(__dirname, 'apps', 'idle-http.js');

function scrape(port, agent) {
  return new Promise((resolve, reject) => {
    http
      .get({ host: '127.0.0.1', port, path: '/metrics', agent }, (res) => {
        let body = '';
        res.setEncoding('utf8');
        res.on('data', (chunk) => (body += chunk));
        res.on('end', () => (res.statusCode === 200 ? resolve(body) : reject(new Error(`status ${res.statusCode}`))));
      })
      .on('error', reject);
  });
}

/** The median of a few readings a moment apart: one reading can land just before a GC. */
async function settledRss(pid) {
  await delay(3000);
  const readings = [];
  for (let i = 0; i < 5; i += 1) {
    readings.push(rssOf(pid));
    await delay(200);
  }
  return median(readings);
}

const percentile = (values, p) => [...values].sort((a, b) => a - b)[Math.min(values.length - 1, Math.ceil((p / 100) * values.length) - 1)];
const seriesOf = (body) => body.split('\n').filter((line) => line.startsWith('tsm_process_memory_bytes{')).length;

async function measure(manager) {
  for (let i = 0; i < APPS; i += 1) {
    manager.env.PORT = String(await freePort());
    await manager.cmd('start', APP, '--name', `app${i}`);
  }
  await waitFor(async () => (await manager.pids(`app${APPS - 1}`)).every((pid) => pid > 0), 10_000);
  const daemon = await manager.daemonPid();
  const rssOff = await settledRss(daemon);

  const port = await freePort();
  await manager.cmd('metrics', 'enable', `127.0.0.1:${port}`);
  const agent = new http.Agent({ keepAlive: true, maxSockets: 1 });
  await waitFor(async () => seriesOf(await scrape(port, agent)) === APPS, 10_000, 100);
  for (let i = 0; i < 20; i += 1) await scrape(port, agent);
  const rssOn = await settledRss(daemon);

  manager.env.PORT = String(await freePort());
  await manager.cmd('start', APP, '--name', 'cluster', '-i', String(PROCESSES - APPS));
  await waitFor(async () => seriesOf(await scrape(port, agent)) === PROCESSES, 60_000, 250);
  const times = [];
  let bytes = 0;
  for (let i = 0; i < SCRAPES; i += 1) {
    const began = performance.now();
    bytes = (await scrape(port, agent)).length;
    times.push(performance.now() - began);
  }
  agent.destroy();
  return { rssOff, rssOn, median: median(times), p99: percentile(times, 99), bytes };
}

async function main() {
  const manager = tsm();
  let result;
  try {
    result = await measure(manager);
  } finally {
    await manager.cleanup();
  }
  const delta = result.rssOn - result.rssOff;
  console.log(`\n## metrics: daemon RSS with ${APPS} apps, /metrics with ${PROCESSES} processes (x${SCRAPES})`);
  console.log('| figure | tsm |');
  console.log('| --- | --- |');
  console.log(`| daemon RSS, metrics off | ${mb(result.rssOff)} |`);
  console.log(`| daemon RSS, metrics on (after 20 scrapes) | ${mb(result.rssOn)} (${delta >= 0 ? '+' : ''}${mb(delta)}) |`);
  console.log(`| /metrics latency, median | ${result.median.toFixed(2)} ms |`);
  console.log(`| /metrics latency, p99 | ${result.p99.toFixed(2)} ms |`);
  console.log(`| /metrics body | ${(result.bytes / 1024).toFixed(1)} KB |`);
  console.log(`\n(${ms(result.median)} median: a scrape reads the samples the daemon already keeps; nothing is measured on request.)`);
  return result;
}

module.exports = { main };
if (require.main === module) main();
