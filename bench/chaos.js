'use strict';
// Issue 8: random overlapping commands on 3 apps (a fork app slow to stop, a cluster app, a plain
// app) for BENCH_CHAOS_MS (60 s) per run, BENCH_CHAOS_RUNS (3) runs with seeds 1, 2, 3. Then:
// processes of the home the list does not know (orphans), listed pids that are dead, and what
// is still alive after `tsm kill` (survivors). Goal: 0, 0, 0.
const { join } = require('node:path');
const { setTimeout: delay } = require('node:timers/promises');
const { tsm } = require('./lib/managers.js');
const { freePort } = require('./lib/net.js');
const { runChaos, checkInvariants, processesOfHome } = require('./lib/chaos.js');

const DURATION_MS = Number(process.env.BENCH_CHAOS_MS ?? 60_000);
const RUNS = Number(process.env.BENCH_CHAOS_RUNS ?? 3);
const FIXTURES = join(__dirname, '..', 'test', 'fixtures');

async function oneRun(seed) {
  const manager = tsm();
  manager.env.PORT = String(await freePort());
  const apps = [
    { name: 'slow', start: [join(FIXTURES, 'slow-stop.js'), '--name', 'slow', '--kill-timeout', '3000'] },
    { name: 'web', start: [join(FIXTURES, 'http-server.js'), '--name', 'web', '-i', '2'] },
    { name: 'plain', start: [join(FIXTURES, 'idle.js'), '--name', 'plain'] },
  ];
  try {
    const log = await runChaos({
      cmd: (args) => manager.cmd(...args).then(() => 0, (error) => error.code ?? 1),
      seed,
      durationMs: DURATION_MS,
      apps,
    });
    // Settle: what is still being stopped or restarted has a few seconds to finish.
    const daemonPid = await manager.daemonPid();
    let result = null;
    for (let deadline = Date.now() + 15_000; Date.now() < deadline; await delay(250)) {
      const processes = JSON.parse((await manager.cmd('list', '--json')).stdout);
      result = checkInvariants({ home: manager.home, daemonPid, processes });
      if (result.untracked.length + result.deadListed.length + result.duplicates.length === 0) break;
    }
    await manager.cmd('kill').catch(() => {});
    await delay(500); // the kill has returned: what lives now survived it
    const survivors = processesOfHome(manager.home);
    for (const pid of survivors) process.kill(pid, 'SIGKILL');
    const codes = log.reduce((acc, line) => ({ ...acc, [line.code]: (acc[line.code] ?? 0) + 1 }), {});
    return { seed, commands: log.length, codes, ...result, survivors };
  } finally {
    await manager.cleanup();
  }
}

async function main() {
  console.log(`\n## Overlapping commands: ${RUNS} runs of ${DURATION_MS / 1000} s on 3 apps\n`);
  console.log('| seed | commands | exit codes | orphans | dead listed | duplicates | survivors of kill |');
  console.log('|---|---|---|---|---|---|---|');
  for (let seed = 1; seed <= RUNS; seed += 1) {
    const r = await oneRun(seed);
    const codes = Object.entries(r.codes).map(([code, n]) => `${code}: ${n}`).join(', ');
    console.log(`| ${r.seed} | ${r.commands} | ${codes} | ${r.untracked.length} | ${r.deadListed.length} | ${r.duplicates.length} | ${r.survivors.length} |`);
  }
}

module.exports = { main };
if (require.main === module) main();
