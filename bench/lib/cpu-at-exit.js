'use strict';
// Preloaded with `node -r` by benchmarks: at exit, appends the process's CPU time (user + system,
// all threads, in ms) to the file named by BENCH_CPU_OUT. On a loaded machine, wall time mostly
// measures the queue for the CPU; CPU time measures the work.
process.on('exit', () => {
  const { user, system } = process.cpuUsage();
  require('node:fs').appendFileSync(process.env.BENCH_CPU_OUT, `${(user + system) / 1000}\n`);
});
