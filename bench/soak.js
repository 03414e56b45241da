'use strict';
// Issue 8: the daemon over BENCH_SOAK_MS (10 minutes): 4 apps logging 2,000 lines/s together, a
// crash-looping app, a 2-worker cluster app under light HTTP load, and a `tsm logs` follower.
// The daemon's RSS every 10 s (start, end, slope after a 2-minute warm-up) and lines lost.
const { spawn } = require('node:child_process');
const http = require('node:http');
const { join } = require('node:path');
const { setTimeout: delay } = require('node:timers/promises');
const { tsm, rssOf } = require('./lib/managers.js');
const { freePort } = require('./lib/net.js');
const { mb } = require('./lib/stats.js');
const { readLines } = require('./lib/log-lines.js');

const DURATION_MS = Number(process.env.BENCH_SOAK_MS ?? 600_000);
const WARMUP_MS = Math.min(120_000, DURATION_MS / 5);
const APPS = join(__dirname, 'apps');

/** Least-squares slope of (t ms, bytes) points, in MB per minute. */
function slope(points) {
  const n = points.length;
  const mt = points.reduce((s, p) => s + p.t, 0) / n;
  const mr = points.reduce((s, p) => s + p.rss, 0) / n;
  const num = points.reduce((s, p) => s + (p.t - mt) * (p.rss - mr), 0);
  const den = points.reduce((s, p) => s + (p.t - mt) ** 2, 0);
  return den === 0 ? 0 : (num / den) * 60_000 / 1024 / 1024;
}

/** Lines missing from a ticker's files: its numbers must run from 0 without a gap. */
function lost(logsDir, name) {
  const seen = new Set();
  let max = -1;
  for (const { line } of readLines(logsDir, `${name}-out.log`)) {
    const seq = Number(line.split(' ')[0]);
    if (!Number.isInteger(seq)) continue;
    seen.add(seq);
    max = Math.max(max, seq);
  }
  return { written: max + 1, lost: max + 1 - seen.size };
}

async function main() {
  const manager = tsm();
  const port = await freePort();
  let follower = null;
  let load = true;
  try {
    for (let i = 0; i < 4; i += 1) await manager.cmd('start', join(APPS, 'ticker.js'), '--name', `tick${i}`);
    await manager.cmd('start', join(APPS, 'crash-loop.js'), '--name', 'crasher');
    manager.env.PORT = String(port);
    await manager.cmd('start', join(APPS, 'idle-http.js'), '--name', 'web', '-i', '2');
    follower = spawn(process.execPath, [manager.bin, 'logs', '--raw'], { env: manager.env, stdio: ['ignore', 'pipe', 'ignore'] });
    follower.stdout.resume();
    const agent = new http.Agent({ keepAlive: true, maxSockets: 2 });
    const requests = (async () => {
      while (load) {
        await new Promise((resolve) => http.get({ host: '127.0.0.1', port, agent }, (res) => res.resume().on('end', resolve)).on('error', resolve));
        await delay(50);
      }
    })();
    const pid = await manager.daemonPid();
    const began = Date.now();
    const points = [];
    while (Date.now() - began < DURATION_MS) {
      points.push({ t: Date.now() - began, rss: rssOf(pid) });
      await delay(10_000);
    }
    points.push({ t: Date.now() - began, rss: rssOf(pid) });
    load = false;
    await requests;
    agent.destroy();
    for (let i = 0; i < 4; i += 1) await manager.cmd('stop', `tick${i}`);
    const losses = [0, 1, 2, 3].map((i) => lost(join(manager.home, 'logs'), `tick${i}`));
    const warm = points.filter((p) => p.t >= WARMUP_MS);
    console.log(`\n## Soak: ${DURATION_MS / 60_000} min, 4 loggers (2,000 lines/s), a crash loop, a cluster app under load, a follower\n`);
    console.log('| daemon RSS at start | after warm-up | at the end | slope after warm-up | lines written | lines lost |');
    console.log('|---|---|---|---|---|---|');
    console.log(
      `| ${mb(points[0].rss)} | ${mb(warm[0].rss)} | ${mb(points[points.length - 1].rss)} | ${slope(warm).toFixed(2)} MB/min | ` +
        `${losses.reduce((s, l) => s + l.written, 0)} | ${losses.reduce((s, l) => s + l.lost, 0)} |`,
    );
    console.log(`\nRSS samples (s: MB): ${points.map((p) => `${Math.round(p.t / 1000)}: ${(p.rss / 1048576).toFixed(1)}`).join(', ')}`);
  } finally {
    load = false;
    follower?.kill();
    await manager.cleanup();
  }
}

module.exports = { main };
if (require.main === module) main();
