'use strict';
// `tsm list` with 20 apps against `pm2 list`, interleaved run by run with a bare `node -e 0`, so
// that the machine's load (other test suites on 2 cores) falls on all three alike. Reports
// medians of wall time and of the command's own CPU time, and the ratios tsm/PM2 (issue 11's
// goal: at most 0.5x).
//
// BENCH_TSM_ALT_BIN=/path/to/bin/tsm.js adds a second tsm CLI (e.g. a build of an older commit)
// that lists the same daemon, to compare two renderers in the same run.
const { execFile } = require('node:child_process');
const { mkdtempSync, readFileSync, rmSync } = require('node:fs');
const { tmpdir } = require('node:os');
const { join } = require('node:path');
const { performance } = require('node:perf_hooks');
const { tsm, pm2, baseEnv } = require('./lib/managers.js');
const { median, ms } = require('./lib/stats.js');
const { freePort, waitFor } = require('./lib/net.js');

const APPS = Number(process.env.BENCH_APPS ?? 20);
const RUNS = Number(process.env.BENCH_LIST_RUNS ?? 31);
const APP = join(__dirname, 'apps', 'idle-http.js');

const CPU_AT_EXIT = join(__dirname, 'lib', 'cpu-at-exit.js');

/** Wall time of one run; its CPU time is appended to `cpuFile` by the preload. */
function timed(file, args, env, cpuFile) {
  return new Promise((resolve, reject) => {
    const began = performance.now();
    execFile(
      process.execPath,
      ['-r', CPU_AT_EXIT, file, ...args],
      { env: { ...env, BENCH_CPU_OUT: cpuFile }, maxBuffer: 16 * 1024 * 1024 },
      (error) => (error ? reject(error) : resolve(performance.now() - began)),
    );
  });
}

async function startApps(manager) {
  for (let i = 0; i < APPS; i += 1) {
    manager.env.PORT = String(await freePort());
    await manager.cmd('start', APP, '--name', `app${i}`);
  }
  await waitFor(async () => (await manager.pids(`app${APPS - 1}`)).every((pid) => pid > 0), 20_000);
}

async function main() {
  const managers = [tsm(), pm2()].filter(Boolean);
  const rows = [];
  const scratch = mkdtempSync(join(tmpdir(), 'bench-list-'));
  try {
    for (const manager of managers) await startApps(manager);
    const runners = [
      { name: '`node -e 0`', file: '-e', args: ['0'], env: baseEnv({}) },
      ...managers.map((m) => ({ name: `${m.name} list`, file: m.bin, args: ['list'], env: m.env })),
    ];
    const alt = process.env.BENCH_TSM_ALT_BIN;
    if (alt) runners.push({ name: `tsm list (${alt})`, file: alt, args: ['list'], env: managers[0].env });
    runners.forEach((runner, index) => Object.assign(runner, { times: [], cpuFile: join(scratch, `cpu-${index}`) }));
    for (let i = 0; i < RUNS; i += 1) {
      for (const runner of runners) runner.times.push(await timed(runner.file, runner.args, runner.env, runner.cpuFile));
    }
    for (const runner of runners) {
      const cpu = readFileSync(runner.cpuFile, 'utf8').trim().split('\n').map(Number);
      rows.push({ name: runner.name, median: median(runner.times), cpu: median(cpu) });
    }
  } finally {
    for (const manager of managers) await manager.cleanup();
    rmSync(scratch, { recursive: true, force: true });
  }
  const pm2Row = rows.find((row) => row.name === 'pm2 list');
  console.log(`\n## list: ${APPS} apps, ${RUNS} runs interleaved (medians)`);
  console.log('| command | wall | over bare node | wall / pm2 | CPU | CPU over bare node | CPU / pm2 |');
  console.log('| --- | --- | --- | --- | --- | --- | --- |');
  const [bare] = rows;
  const over = (a, b) => (b ? `${(a / b).toFixed(2)}x` : '-');
  for (const row of rows) {
    console.log(
      `| ${row.name} | ${ms(row.median)} | +${ms(row.median - bare.median)} | ${over(row.median, pm2Row?.median)} ` +
        `| ${ms(row.cpu)} | +${ms(row.cpu - bare.cpu)} | ${over(row.cpu, pm2Row?.cpu)} |`,
    );
  }
  return rows;
}

module.exports = { main };
if (require.main === module) main();
