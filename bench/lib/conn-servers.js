'use strict';
// The servers bench/connections.js compares: one plain `node` process, and 2 cluster workers
// under tsm and PM2 with each scheduling policy. Every one runs apps/count-http.js, which writes
// its request and connection counts to a folder, read here before and after a window.
const { spawn } = require('node:child_process');
const { mkdtempSync, readdirSync, readFileSync, rmSync } = require('node:fs');
const http = require('node:http');
const { tmpdir } = require('node:os');
const { join } = require('node:path');
const { tsm, pm2, baseEnv, cpuMsOf } = require('./managers.js');
const { freePort, waitFor } = require('./net.js');
const { holdersOf } = require('./listeners.js');

const APP = join(__dirname, '..', 'apps', 'count-http.js');

function answers(port) {
  return new Promise((resolve) => {
    http
      .get({ host: '127.0.0.1', port, agent: false }, (res) => {
        res.resume();
        resolve(res.statusCode === 200);
      })
      .on('error', () => resolve(false));
  });
}

/** pid -> { requests, connections } as last written by each process of the server. */
function counts(dir) {
  const map = new Map();
  for (const name of readdirSync(dir)) {
    const [requests, connections] = readFileSync(join(dir, name), 'utf8').trim().split(' ').map(Number);
    map.set(Number(name), { requests, connections });
  }
  return map;
}

async function plainServer() {
  const port = await freePort();
  const countDir = mkdtempSync(join(tmpdir(), 'bench-count-'));
  const child = spawn(process.execPath, [APP], { env: baseEnv({ PORT: String(port), COUNT_DIR: countDir }), stdio: 'ignore' });
  await waitFor(() => answers(port), 20_000);
  return {
    name: 'plain node',
    port,
    countDir,
    manager: null,
    daemonPid: null,
    workers: [child.pid],
    async close() {
      child.kill();
      rmSync(countDir, { recursive: true, force: true });
    },
  };
}

/**
 * 2 workers of count-http.js. `env` reaches the manager's daemon when this command launches it
 * (TSM_CLUSTER_SCHEDULING for tsm; NODE_CLUSTER_SCHED_POLICY for PM2, whose daemon keeps the
 * environment of the CLI that starts it), and the apps too, where it changes nothing.
 */
/** `bin`: another tsm build's bin/tsm.js to run instead of this one. */
async function managedServer(which, name, env, bin) {
  const manager = which === 'pm2' ? pm2() : tsm(bin);
  if (!manager) return null;
  manager.name = name;
  const port = await freePort();
  const countDir = mkdtempSync(join(tmpdir(), 'bench-count-'));
  Object.assign(manager.env, env, { PORT: String(port), COUNT_DIR: countDir });
  await manager.cmd('start', APP, '--name', 'web', '-i', '2');
  await waitFor(() => answers(port), 20_000);
  await waitFor(async () => (await manager.pids('web')).filter((pid) => pid > 0).length === 2, 20_000);
  return {
    name,
    port,
    countDir,
    manager,
    daemonPid: await manager.daemonPid(),
    workers: await manager.pids('web'),
    async close() {
      await manager.cleanup();
      rmSync(countDir, { recursive: true, force: true });
    },
  };
}

/** Who accepts: "daemon" (round-robin), "daemon + 2 workers" (shared), "1 process" (plain). */
function acceptors(server) {
  const pids = server.daemonPid ? [server.daemonPid, ...server.workers] : server.workers;
  const holders = holdersOf(server.port, pids);
  if (!server.daemonPid) return `${holders.length} process`;
  const workers = holders.filter((pid) => pid !== server.daemonPid).length;
  const daemon = holders.includes(server.daemonPid) ? 'daemon' : '';
  return [daemon, workers ? `${workers} workers` : ''].filter(Boolean).join(' + ') || 'none';
}

/** CPU ms used so far by the server's processes (daemon and workers), each counted apart. */
function cpuOf(server) {
  const read = (pid) => {
    try {
      return cpuMsOf(pid);
    } catch {
      return 0; // gone (a PM2 worker restarted): the window is then off, and the figure shows it
    }
  };
  return { daemon: server.daemonPid ? read(server.daemonPid) : 0, workers: server.workers.reduce((n, pid) => n + read(pid), 0) };
}

/**
 * CPU ms that processes ran on the machine (every core), from /proc/stat's ticks of 10 ms: user,
 * nice and system. Interrupt time (the loopback's packets) is counted apart, as it is in the
 * processes' own figures, so it is left out on both sides.
 */
function machineBusyMs() {
  const f = readFileSync('/proc/stat', 'utf8').split('\n')[0].trim().split(/\s+/).map(Number);
  return (f[1] + f[2] + f[3]) * 10;
}

/** CPU ms of this process and of its children that ended (wrk), from /proc/self/stat. */
function generatorMs() {
  const fields = readFileSync('/proc/self/stat', 'utf8').split(') ')[1].split(' ');
  const { user, system } = process.cpuUsage();
  return (user + system) / 1000 + (Number(fields[13]) + Number(fields[14])) * 10; // cutime, cstime
}

/**
 * Runs `work` and says what the server did meanwhile: requests per worker, the daemon's CPU, the
 * CPU of daemon and workers per request, and how much CPU the machine's other processes took
 * (a window where they took a lot is one where a server of several processes gets a larger share
 * of the CPU than a single process would, and the figures drift).
 */
async function observe(server, seconds, work) {
  const { setTimeout: delay } = require('node:timers/promises');
  const before = counts(server.countDir);
  const cpuBefore = cpuOf(server);
  const machineBefore = machineBusyMs();
  const generatorBefore = generatorMs();
  const began = Date.now();
  const result = await work();
  const elapsed = Date.now() - began;
  const cpuAfter = cpuOf(server);
  const serverMs = cpuAfter.daemon - cpuBefore.daemon + cpuAfter.workers - cpuBefore.workers;
  const othersMs = machineBusyMs() - machineBefore - serverMs - (generatorMs() - generatorBefore);
  await delay(450); // two of the counters' writes
  const after = counts(server.countDir);
  const perWorker = [...after].map(([pid, n]) => n.requests - (before.get(pid)?.requests ?? 0)).filter((n) => n > 0);
  const total = perWorker.reduce((a, b) => a + b, 0);
  return {
    ...result,
    busiestShare: total > 0 && perWorker.length > 0 ? Math.max(...perWorker) / total : null,
    workersServing: perWorker.length,
    daemonCpu: server.daemonPid ? (cpuAfter.daemon - cpuBefore.daemon) / (seconds * 1000) : null,
    cpuPerRequestUs: total > 0 ? (serverMs * 1000) / total : null,
    otherCpu: Math.max(0, othersMs / elapsed),
  };
}

module.exports = { plainServer, managedServer, acceptors, observe };
