'use strict';
// Issue 3's figures: an HTTP app with 2 workers under continuous closed-loop load (20 clients),
// keep-alive on and off, BENCH_RELOADS reloads in a row (default 20), for four kinds of app, tsm
// and PM2 side by side. A failed request is an error, a reset, a non-2xx status or no answer
// within 5 s. Then one `restart` under the same load, which must show failures: proof that the
// load generator can see them.
const { join } = require('node:path');
const { setTimeout: delay } = require('node:timers/promises');
const { tsm, pm2 } = require('./lib/managers.js');
const ONLY = process.env.BENCH_RELOAD_ONLY; // e.g. 'naive' to run one kind of app
const { startLoad } = require('./lib/load.js');
const { freePort, waitFor } = require('./lib/net.js');

const RELOADS = Number(process.env.BENCH_RELOADS ?? 20);
const APPS = [
  { kind: 'naive', file: 'naive.js', flags: [] },
  { kind: 'close on SIGINT', file: 'close-on-sigint.js', flags: [] },
  // 1.5 s plus Node's start, on two cores saturated by the load: PM2's default 3 s is too short
  // (tsm then rightly fails the reload; PM2 kills the old worker anyway), so both get 8 s.
  { kind: 'listens after 1.5 s', file: 'slow-start.js', flags: ['--listen-timeout', '8000'] },
  { kind: '--wait-ready', file: 'wait-ready.js', flags: ['--wait-ready'] },
];

async function startApp(manager, app, port) {
  manager.env.PORT = String(port);
  await manager.cmd('start', join(__dirname, 'apps', app.file), '-i', '2', '--name', 'web', ...app.flags);
  await waitFor(async () => {
    const load = startLoad({ port, clients: 1, keepAlive: false, timeoutMs: 500 });
    await delay(50);
    const result = await load.stop();
    return result.ok > 0 && result.failed === 0;
  }, 15_000);
}

async function underLoad(port, keepAlive, work) {
  const load = startLoad({ port, clients: 20, keepAlive });
  try {
    await delay(300);
    const began = Date.now();
    await work();
    const elapsed = Date.now() - began;
    await delay(300);
    return { ...(await load.stop()), elapsedMs: elapsed };
  } finally {
    await load.stop(); // also when work() threw: the clients must not run on forever
  }
}

async function measure(make, app, keepAlive) {
  const manager = make();
  if (!manager) return null;
  try {
    const port = await freePort();
    await startApp(manager, app, port);
    let failedReloads = 0;
    const result = await underLoad(port, keepAlive, async () => {
      for (let i = 0; i < RELOADS; i += 1) {
        await manager.cmd('reload', 'web').catch(() => {
          failedReloads += 1;
        });
      }
    });
    return { ...result, failedReloads };
  } finally {
    await manager.cleanup();
  }
}

async function restartCheck() {
  const manager = tsm();
  try {
    const port = await freePort();
    await startApp(manager, APPS[0], port);
    return await underLoad(port, true, () => manager.cmd('restart', 'web'));
  } finally {
    await manager.cleanup();
  }
}

const row = (who, r) =>
  r
    ? `| ${who} | ${r.failed} (${(r.failed / RELOADS).toFixed(1)}/reload) | ${r.ok} (${Math.round(r.ok / (r.elapsedMs / 1000 + 0.6))}/s) | ${(r.elapsedMs / RELOADS / 1000).toFixed(1)} s | ${r.longestGapMs} ms | ${r.p99Ms} / ${r.maxMs} ms | ${
        Object.entries(r.reasons).map(([k, v]) => `${k} ${v}`).join(', ') || '-'
      }${r.failedReloads ? `; ${r.failedReloads} reload(s) failed` : ''} |`
    : `| ${who} | not installed | | | | | |`;

async function main() {
  console.log(`\n## reload: 2 workers, 20 closed-loop clients, ${RELOADS} reloads in a row`);
  console.log('| manager | failed requests | ok (rate) | time per reload | longest gap without success | p99 / max latency | failures |');
  console.log('| --- | --- | --- | --- | --- | --- | --- |');
  for (const app of APPS.filter((a) => !ONLY || a.kind.startsWith(ONLY))) {
    for (const keepAlive of [true, false]) {
      console.log(`| **${app.kind}, keep-alive ${keepAlive ? 'on' : 'off'}** | | | | | | |`);
      console.log(row('tsm', await measure(tsm, app, keepAlive)));
      console.log(row('pm2', await measure(pm2, app, keepAlive)));
    }
  }
  const restart = await restartCheck();
  console.log(`\nControl: one tsm \`restart\` under the same load (keep-alive on): ${restart.failed} failed requests ` +
    `(${Object.entries(restart.reasons).map(([k, v]) => `${k} ${v}`).join(', ')}): the load generator sees failures.`);
}

module.exports = { main };
if (require.main === module) main();
