'use strict';
// Issue 11's "many apps at once", tsm and PM2 side by side: `start` of an ecosystem file with
// BENCH_MANY_APPS (50) fork apps until every port answers, then `restart all` until every port
// answers again, then `stop all` and `delete all` until the command returns. Managers take turns
// round by round (BENCH_MANY_ROUNDS), so the machine's load falls on each alike; medians.
// BENCH_TSM_ALT_BIN=/path/to/bin/tsm.js adds another tsm build (e.g. before a change).
const { spawn } = require('node:child_process');
const { mkdtempSync, rmSync, writeFileSync } = require('node:fs');
const { availableParallelism, tmpdir } = require('node:os');
const { join } = require('node:path');
const { performance } = require('node:perf_hooks');
const { tsm, pm2, baseEnv } = require('./lib/managers.js');
const { median, ms } = require('./lib/stats.js');
const { answers, freePort, waitFor } = require('./lib/net.js');

const APPS = Number(process.env.BENCH_MANY_APPS ?? 50);
const ROUNDS = Number(process.env.BENCH_MANY_ROUNDS ?? 2);
// BENCH_MANY_ONLY=tsm,node: leave the others out (while profiling one of them).
const ONLY = (process.env.BENCH_MANY_ONLY ?? '').split(',').filter(Boolean);
const APP = join(__dirname, 'apps', 'idle-http.js');

/**
 * Until every port answers: each round asks every port still silent, all at once, then pauses
 * 50 ms. One port after another (as before) made a round take a second or more while 50 apps
 * booted on 2 cores, and the figure was the bench's own lag as much as the manager's.
 */
async function allAnswer(ports) {
  const pending = new Set(ports);
  await waitFor(async () => {
    const replies = await Promise.all([...pending].map(async (port) => [port, await answers(port)]));
    for (const [port, ok] of replies) if (ok) pending.delete(port);
    return pending.size === 0;
  }, 180_000, 50);
}

async function pidsOf(manager) {
  return JSON.parse((await manager.cmd('jlist')).stdout).map((p) => p.pid);
}

async function timed(step) {
  const began = performance.now();
  await step();
  return performance.now() - began;
}

async function round(manager, dir) {
  const ports = [];
  for (let i = 0; i < APPS; i += 1) ports.push(await freePort());
  const file = join(dir, `${manager.name.replace(/\W+/g, '-')}.config.js`);
  const apps = ports.map((port, i) => ({ name: `app${i}`, script: APP, env: { PORT: String(port) } }));
  writeFileSync(file, `module.exports = ${JSON.stringify({ apps }, null, 1)};\n`);
  const start = await timed(async () => {
    await manager.cmd('start', file);
    await allAnswer(ports);
  });
  const before = new Set(await pidsOf(manager));
  const restart = await timed(async () => {
    await manager.cmd('restart', 'all');
    // New pids and every port answering: the old processes could still answer otherwise.
    await waitFor(async () => (await pidsOf(manager)).every((pid) => pid > 0 && !before.has(pid)), 180_000, 50);
    await allAnswer(ports);
  });
  const stop = await timed(() => manager.cmd('stop', 'all'));
  const del = await timed(() => manager.cmd('delete', 'all'));
  return { start, restart, stop, delete: del };
}

/**
 * What this machine does without any manager: the same apps as bare `node app.js`, spawned by
 * this script. start: until every port answers; restart: SIGTERM to all, every exit, spawned
 * again until every port answers; stop: SIGTERM to all until every one has exited. `lanes`
 * null: all spawned at once; a number: that many at a time, the next when a port answers (50
 * node processes booting together on 2 cores compete for them, the daemon's spawns included).
 */
function bareNode(lanes) {
  const env = baseEnv({});
  const spawnOne = (port) => {
    // Each in its own session, as tsm and PM2 start fork apps: with the kernel's autogroup
    // scheduling (on here), CPU is shared between sessions, so 50 apps in the bench's one session
    // would boot on a fraction of what the managers' apps get.
    const child = spawn(process.execPath, [APP], { env: { ...env, PORT: String(port) }, stdio: 'ignore', detached: true });
    child.exitedP = new Promise((resolve) => child.once('exit', resolve));
    return child;
  };
  const spawnAll = async (ports) => {
    if (lanes === null) {
      const all = ports.map(spawnOne);
      await allAnswer(ports);
      return all;
    }
    const all = [];
    let next = 0;
    const lane = async () => {
      while (next < ports.length) {
        const port = ports[next++];
        all.push(spawnOne(port));
        await waitFor(() => answers(port), 180_000, 20);
      }
    };
    await Promise.all(Array.from({ length: lanes }, lane));
    return all;
  };
  const stopAll = (children) => {
    for (const child of children) child.kill('SIGTERM');
    return Promise.all(children.map((child) => child.exitedP));
  };
  let children = [];
  return {
    name: lanes === null ? 'node (bare, all at once)' : `node (bare, ${lanes} at a time)`,
    async cmd() {},
    async round() {
      const ports = [];
      for (let i = 0; i < APPS; i += 1) ports.push(await freePort());
      const start = await timed(async () => {
        children = await spawnAll(ports);
      });
      const restart = await timed(async () => {
        await stopAll(children);
        children = await spawnAll(ports);
      });
      const stop = await timed(() => stopAll(children));
      children = [];
      return { start, restart, stop, delete: 0 };
    },
    async cleanup() {
      await stopAll(children);
    },
  };
}

async function main() {
  const makers = [
    ['tsm', () => tsm()],
    ['pm2', pm2],
    ['node', () => bareNode(null)],
    ['node', () => bareNode(2 * availableParallelism())],
  ]
    .filter(([kind]) => ONLY.length === 0 || ONLY.includes(kind))
    .map(([, make]) => make);
  // Several builds to compare: BENCH_TSM_ALT_BIN=/a/bin/tsm.js:/b/bin/tsm.js
  const alts = (process.env.BENCH_TSM_ALT_BIN ?? '').split(':').filter(Boolean);
  if (ONLY.length === 0 || ONLY.includes('alt')) makers.splice(1, 0, ...alts.map((alt) => () => tsm(alt, `tsm (${alt})`)));
  const dir = mkdtempSync(join(tmpdir(), 'bench-many-'));
  const runs = new Map();
  try {
    for (let r = 0; r < ROUNDS; r += 1) {
      for (const make of makers) {
        const manager = make();
        if (!manager) continue;
        try {
          await manager.cmd('ping');
          const result = manager.round ? await manager.round() : await round(manager, dir);
          runs.set(manager.name, [...(runs.get(manager.name) ?? []), result]);
        } finally {
          await manager.cleanup();
        }
      }
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
  const steps = ['start', 'restart', 'stop', 'delete'];
  const medians = new Map([...runs].map(([name, list]) => [name, Object.fromEntries(steps.map((s) => [s, median(list.map((x) => x[s]))]))]));
  const p = medians.get('pm2');
  console.log(`\n## many apps: ${APPS} fork apps from one ecosystem file (medians of ${ROUNDS} rounds)`);
  console.log(`| manager | ${steps.join(' | ')} |`);
  console.log(`| --- | ${steps.map(() => '---').join(' | ')} |`);
  for (const [name, m] of medians) {
    const cells = steps.map((s) => `${ms(m[s])}${p && name !== 'pm2' ? ` (${(m[s] / p[s]).toFixed(2)}x pm2)` : ''}`);
    console.log(`| ${name} | ${cells.join(' | ')} |`);
  }
  console.log('start, restart: until every port answers (restart: with new pids); stop, delete: until the command returns.');
  console.log('node (bare): the same apps spawned by the bench itself, all at once or a few at a time: the machine without a manager (no delete).');
  return medians;
}

module.exports = { main };
if (require.main === module) main();
