'use strict';
// Issue 9's figures, tsm and PM2 side by side, each with its own temporary home:
// 1. how long after an app's RSS crosses --max-memory-restart the manager stops and restarts it;
// 2. the daemon's CPU and RSS while watching a tree of 20,000 files (idle, then a burst of changes);
// 3. how long after a file change a watched HTTP app answers again, from a new process.
// The machine is shared: the load average is printed with the figures.
const http = require('node:http');
const { execFileSync } = require('node:child_process');
const { appendFileSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } = require('node:fs');
const { loadavg, tmpdir } = require('node:os');
const { join } = require('node:path');
const { performance } = require('node:perf_hooks');
const { setTimeout: delay } = require('node:timers/promises');
const { tsm, pm2, rssOf } = require('./lib/managers.js');
const { median, ms, mb } = require('./lib/stats.js');
const { freePort, waitFor } = require('./lib/net.js');

const GROW = join(__dirname, 'apps', 'grow.js');
const PID_HTTP = join(__dirname, 'apps', 'pid-http.js');
const MANAGERS = [tsm, pm2];

const LIMIT = 100 * 1024 * 1024; // `100M`: both managers count K/M/G in powers of 1024
const MEMORY_RUNS = Number(process.env.BENCH_MEMORY_RUNS ?? 3);
// How often each manager looks at memory (tsm: every metrics sample; PM2: its worker, 30 s by
// default). The app's growth starts at a random point of one such period, so the figure is what a
// leak starting at any moment would see, not a lucky or unlucky phase of the manager's clock.
const CHECK_PERIOD_MS = { tsm: 1000, pm2: 30_000 };

const FOLDERS = 200;
const FILES_PER_FOLDER = 100;
const BURST_FILES = 1000;
const BURST_MS = 2000;
const WINDOW_MS = 10_000;

const PORT_RUNS = Number(process.env.BENCH_PORT_RUNS ?? 5);
const WATCH_DELAYS = [1000, 0];

const TICKS_PER_SECOND = (() => {
  try {
    return Number(execFileSync('getconf', ['CLK_TCK'], { encoding: 'utf8' }).trim()) || 100;
  } catch {
    return 100;
  }
})();

/** CPU seconds (user + system) the process has used so far, from /proc/<pid>/stat. */
function cpuSeconds(pid) {
  const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
  // Fields after the command name, which may hold spaces: state is field 3, utime 14, stime 15.
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  return (Number(fields[11]) + Number(fields[12])) / TICKS_PER_SECOND;
}

/** The pid the app answers with, or null (refused, reset, no answer within `timeoutMs`). */
function pidOnPort(port, timeoutMs = 1000) {
  return new Promise((resolve) => {
    const req = http.get({ host: '127.0.0.1', port, path: '/', agent: false, timeout: timeoutMs }, (res) => {
      let body = '';
      res.setEncoding('utf8');
      res.on('data', (chunk) => (body += chunk));
      res.on('end', () => resolve(res.statusCode === 200 && /^\d+$/.test(body) ? Number(body) : null));
      res.on('error', () => resolve(null));
    });
    req.on('timeout', () => req.destroy());
    req.on('error', () => resolve(null));
  });
}

async function restartsOf(manager, name) {
  const list = JSON.parse((await manager.cmd('jlist')).stdout);
  return list.filter((p) => p.name === name).reduce((sum, p) => sum + (p.pm2_env?.restart_time ?? 0), 0);
}

/**
 * Starts one app from an ecosystem file, the same file for both managers: PM2 7 refuses its own
 * `--watch-delay` flag ("Expect watch_delay to be a typeof Number": it checks the flag's string
 * before converting it), while `watch_delay` in a file works. The file lives in the manager's
 * temporary home, removed by its cleanup, outside any watched folder.
 */
async function startFromFile(manager, app) {
  const file = join(manager.home, `bench-${app.name}.json`);
  writeFileSync(file, JSON.stringify({ apps: [app] }, null, 2));
  await manager.cmd('start', file);
}

async function withManager(make, work) {
  const manager = make();
  if (!manager) return null;
  try {
    return await work(manager);
  } catch (error) {
    return { error: (error.message ?? String(error)).split('\n')[0] };
  } finally {
    await manager.cleanup();
  }
}

// ---- 1. memory limit ------------------------------------------------------------------------

/** Each crossing in the app's marks, with the stop signal and the next start that followed it. */
function cyclesIn(file) {
  if (!existsSync(file)) return [];
  const marks = readFileSync(file, 'utf8')
    .split('\n')
    .filter(Boolean)
    .map((line) => {
      const [kind, at, pid] = line.split(' ');
      return { kind, at: Number(at), pid: Number(pid) };
    });
  const cycles = [];
  marks.forEach((mark, index) => {
    if (mark.kind !== 'cross') return;
    const later = marks.slice(index + 1);
    const stop = later.find((m) => m.kind === 'stop' && m.pid === mark.pid);
    const start = later.find((m) => m.kind === 'start' && m.pid !== mark.pid);
    if (start) cycles.push({ stopMs: stop ? stop.at - mark.at : null, startMs: start.at - mark.at });
  });
  return cycles;
}

function memoryLimit(make) {
  return withManager(make, async (manager) => {
    const dir = mkdtempSync(join(tmpdir(), 'trig-mem-'));
    const file = join(dir, 'marks');
    const period = CHECK_PERIOD_MS[manager.name];
    try {
      Object.assign(manager.env, { MARK_FILE: file, LIMIT_BYTES: String(LIMIT), GROW_AFTER_MS: '1500', GROW_SPREAD_MS: String(period) });
      await manager.cmd('start', GROW, '--name', 'grow', '--max-memory-restart', '100M');
      // One start, MEMORY_RUNS crossings: each restarted process grows again on its own.
      for (let run = 1; run <= MEMORY_RUNS; run += 1) {
        // A crossing within 1.5 s + one period, then 60 s for the manager to act on it.
        await waitFor(() => cyclesIn(file).length >= run, 1500 + period + 60_000, 100).catch(() => {
          throw new Error(`run ${run}: no restart within 60 s of crossing the limit`);
        });
      }
      const cycles = cyclesIn(file).slice(0, MEMORY_RUNS);
      return { cycles, restarts: await restartsOf(manager, 'grow') };
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
}

function memoryRow(name, r) {
  if (!r) return `| ${name} | not installed | | |`;
  if (r.error) return `| ${name} | failed: ${r.error} | | |`;
  const stops = r.cycles.map((c) => c.stopMs).filter((v) => v !== null);
  const starts = r.cycles.map((c) => c.startMs);
  return `| ${name} | ${stops.length ? ms(median(stops)) : 'no stop signal seen'} | ${ms(median(starts))} | ${starts.map(ms).join(', ')} |`;
}

// ---- 2. daemon CPU while watching a large tree ---------------------------------------------------

function makeTree() {
  const root = mkdtempSync(join(tmpdir(), 'trig-tree-'));
  const files = [];
  for (let d = 0; d < FOLDERS; d += 1) {
    const folder = join(root, `d${d}`);
    mkdirSync(folder);
    for (let f = 0; f < FILES_PER_FOLDER; f += 1) {
      const file = join(folder, `f${f}.js`);
      writeFileSync(file, `// ${d}/${f}\n`);
      files.push(file);
    }
  }
  return { root, files };
}

/** Changes `count` files spread over the tree, in even slices over `spanMs`. */
async function burst(files, count, spanMs) {
  const step = Math.floor(files.length / count);
  const slices = 20;
  for (let s = 0; s < slices; s += 1) {
    for (let i = s; i < count; i += slices) appendFileSync(files[i * step], '//\n');
    await delay(spanMs / slices);
  }
}

/** The daemon's CPU over `windowMs` while `during` runs (if given), as % of one core. */
async function cpuOver(pid, windowMs, during) {
  const before = cpuSeconds(pid);
  const began = performance.now();
  await Promise.all([delay(windowMs), during ? during() : null]);
  return ((cpuSeconds(pid) - before) / ((performance.now() - began) / 1000)) * 100;
}

function watchCpu(make, tree) {
  return withManager(make, async (manager) => {
    const daemon = await manager.daemonPid();
    // The daemon with one app and nothing watched: the floor the watching adds to.
    manager.env.PORT = String(await freePort());
    await manager.cmd('start', PID_HTTP, '--name', 'plain');
    const plainPort = Number(manager.env.PORT);
    await waitFor(async () => (await pidOnPort(plainPort)) !== null, 15_000, 100);
    await delay(2000);
    const plainCpu = await cpuOver(daemon, WINDOW_MS);
    const plainRss = rssOf(daemon);
    await manager.cmd('delete', 'plain');

    // Start watching: the CPU to set it up counts from the command until the daemon is quiet again
    // (under 5 % of a core for a second, at least 2 s after the app answers): PM2's watcher reads
    // the whole tree first, and the idle window must not include that.
    const port = await freePort();
    manager.env.PORT = String(port);
    const setupBefore = cpuSeconds(daemon);
    const setupBegan = performance.now();
    await startFromFile(manager, { name: 'watched', script: PID_HTTP, watch: [tree.root], watch_delay: 1000, env: { PORT: String(port) } });
    await waitFor(async () => (await pidOnPort(port)) !== null, 30_000, 100);
    await delay(2000);
    await waitFor(async () => (await cpuOver(daemon, 1000)) < 5, 30_000, 0).catch(() => {});
    const setupCpuS = cpuSeconds(daemon) - setupBefore;
    const setupS = (performance.now() - setupBegan) / 1000;

    const idleCpu = await cpuOver(daemon, WINDOW_MS);
    const idleRss = rssOf(daemon);
    const restartsBefore = await restartsOf(manager, 'watched');
    const burstCpu = await cpuOver(daemon, WINDOW_MS, () => burst(tree.files, BURST_FILES, BURST_MS));
    const burstRss = rssOf(daemon);
    // A loaded daemon may still be stopping the old process when the window ends: give the
    // restart up to 15 s more, then count once the app is steady.
    await waitFor(async () => (await restartsOf(manager, 'watched')) > restartsBefore, 15_000, 250).catch(() => {});
    await steadyPid(port);
    const restarts = (await restartsOf(manager, 'watched')) - restartsBefore;
    return { plainCpu, plainRss, setupCpuS, setupS, idleCpu, idleRss, burstCpu, burstRss, restarts };
  });
}

const pct = (value) => `${value.toFixed(1)} %`;

function cpuRow(name, r) {
  if (!r) return `| ${name} | not installed | | | | | |`;
  if (r.error) return `| ${name} | failed: ${r.error} | | | | | |`;
  return `| ${name} | ${pct(r.plainCpu)} | ${r.setupCpuS.toFixed(2)} s in ${r.setupS.toFixed(1)} s | ${pct(r.idleCpu)} | ${pct(r.burstCpu)} | ${mb(r.plainRss)} / ${mb(r.idleRss)} / ${mb(r.burstRss)} | ${r.restarts} |`;
}

// ---- 3. a file change to the port answering again ----------------------------------------------

/** Waits until the app answers with one pid for 700 ms (no restart still under way). */
async function steadyPid(port) {
  let last = null;
  let since = performance.now();
  const deadline = performance.now() + 20_000;
  while (performance.now() < deadline) {
    const pid = await pidOnPort(port);
    if (pid === null || pid !== last) {
      last = pid;
      since = performance.now();
    } else if (performance.now() - since >= 700) {
      return pid;
    }
    await delay(50);
  }
  throw new Error('the app did not settle on one pid within 20 s');
}

function portAfterChange(make, watchDelayMs) {
  return withManager(make, async (manager) => {
    const dir = mkdtempSync(join(tmpdir(), 'trig-src-'));
    const file = join(dir, 'config.js');
    writeFileSync(file, '// 0\n');
    try {
      const port = await freePort();
      manager.env.PORT = String(port);
      await startFromFile(manager, { name: 'web', script: PID_HTTP, watch: [dir], watch_delay: watchDelayMs, env: { PORT: String(port) } });
      const runs = [];
      for (let run = 0; run < PORT_RUNS; run += 1) {
        const old = await steadyPid(port);
        const began = performance.now();
        writeFileSync(file, `// ${run + 1}\n`);
        let downAt = null;
        let answeredAt = null;
        while (performance.now() - began < 20_000) {
          const pid = await pidOnPort(port, 500);
          const now = performance.now();
          if (pid === null) downAt ??= now;
          else if (pid !== old) {
            answeredAt = now;
            break;
          }
          await delay(10);
        }
        if (answeredAt === null) throw new Error(`run ${run + 1}: no new process answered within 20 s of the change`);
        runs.push({ totalMs: answeredAt - began, downMs: downAt === null ? 0 : answeredAt - downAt });
      }
      await steadyPid(port); // a late second restart is counted below
      const restarts = await restartsOf(manager, 'web');
      return { runs, restartsPerChange: restarts / PORT_RUNS };
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
}

function portRow(name, watchDelayMs, r) {
  if (!r) return `| ${name} | ${watchDelayMs} ms | not installed | | | | |`;
  if (r.error) return `| ${name} | ${watchDelayMs} ms | failed: ${r.error} | | | | |`;
  const totals = r.runs.map((x) => x.totalMs);
  const total = median(totals);
  return `| ${name} | ${watchDelayMs} ms | ${ms(total)} | ${ms(total - watchDelayMs)} | ${ms(median(r.runs.map((x) => x.downMs)))} | ${r.restartsPerChange.toFixed(1)} | ${totals.map(ms).join(', ')} |`;
}

// ---- the suite ----------------------------------------------------------------------------------

const load = () => loadavg().map((v) => v.toFixed(2)).join(' ');

async function main() {
  console.log('\n## triggers: memory limit, watching a large tree, a file change to the port answering');
  console.log(`load average (1/5/15 min) at the start: ${load()}; ${require('node:os').cpus().length} cores`);

  console.log(`\n### Memory limit: an app grows past 100M (${MEMORY_RUNS} runs each, one start)`);
  console.log('The app records when its own RSS passes 100 MiB, when it gets a stop signal and when its successor starts. ' +
    'Growth starts at a random point of the manager\'s check period (tsm 1 s, PM2 30 s).');
  console.log('| manager | crossing → stop signal (median) | crossing → new process started (median) | each run (→ new process) |');
  console.log('| --- | --- | --- | --- |');
  for (const make of MANAGERS) console.log(memoryRow(make.name, await memoryLimit(make)));

  const tree = makeTree();
  try {
    console.log(`\n### Daemon CPU watching ${tree.files.length} files in ${FOLDERS} folders (% of one core, ${WINDOW_MS / 1000} s windows)`);
    console.log(`Started from an ecosystem file with watch: [tree], watch_delay 1000 for both. Burst: ${BURST_FILES} files appended to over ${BURST_MS / 1000} s, window from its start. ` +
      '"no watch": one app, nothing watched.');
    console.log('| manager | idle, no watch | start watching (daemon CPU) | idle, watching | burst | daemon RSS: no watch / watching / after burst | restarts from the burst |');
    console.log('| --- | --- | --- | --- | --- | --- | --- |');
    for (const make of MANAGERS) console.log(cpuRow(make.name, await watchCpu(make, tree)));
  } finally {
    rmSync(tree.root, { recursive: true, force: true });
  }

  console.log(`\n### A file change to the port answering from a new process (${PORT_RUNS} runs each)`);
  console.log('Polled every 10 ms with a request answering process.pid. Same watch_delay for both (in an ecosystem file) ' +
    '(tsm: after the last change, default 1000 ms; PM2: after the first change, default 0).');
  console.log('| manager | watch delay | change → new pid answers (median) | beyond the delay | port not answering (median) | restarts per change | each run |');
  console.log('| --- | --- | --- | --- | --- | --- | --- |');
  for (const watchDelayMs of WATCH_DELAYS) {
    for (const make of MANAGERS) console.log(portRow(make.name, watchDelayMs, await portAfterChange(make, watchDelayMs)));
  }
  console.log(`\nload average at the end: ${load()}`);
}

module.exports = { main };
if (require.main === module) main();
