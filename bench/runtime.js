'use strict';
// Issue 10: time from SIGTERM to the exit of tsm-runtime running 4 apps, against their kill
// timeout, and PM2's pm2-runtime on the same ecosystem file. Three kinds of apps: prompt (exit
// 100 ms after the signal), slow (1.5 s of cleanup, within the kill timeout), stubborn (ignore
// the signal: the kill timeout is what ends them). BENCH_RUNTIME_RUNS (3) runs each; medians.
const { spawn } = require('node:child_process');
const { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } = require('node:fs');
const { tmpdir } = require('node:os');
const { join } = require('node:path');
const { median, ms } = require('./lib/stats.js');

const ROOT = join(__dirname, '..');
const RUNS = Number(process.env.BENCH_RUNTIME_RUNS ?? 3);
const APPS = 4;
const SCENARIOS = [
  { name: 'prompt (stops in 100 ms)', stopMs: '100', killTimeoutMs: 5000 },
  { name: 'slow (stops in 1.5 s)', stopMs: '1500', killTimeoutMs: 5000 },
  { name: 'stubborn (ignores the signal)', stopMs: 'never', killTimeoutMs: 2000 },
];

const RUNTIMES = [
  { name: 'tsm-runtime', bin: join(ROOT, 'bin', 'tsm-runtime.js'), homeVar: 'TSM_HOME' },
  { name: 'pm2-runtime', bin: join(ROOT, 'node_modules', 'pm2', 'bin', 'pm2-runtime'), homeVar: 'PM2_HOME' },
];

function ecosystem(dir, scenario) {
  const apps = Array.from({ length: APPS }, (_, i) => ({
    name: `app${i}`,
    script: join(__dirname, 'apps', 'stop-in.js'),
    kill_timeout: scenario.killTimeoutMs,
    env: { STOP_MS: scenario.stopMs, APP_NAME: `app${i}` },
  }));
  const file = join(dir, 'ecosystem.config.js');
  writeFileSync(file, `module.exports = ${JSON.stringify({ apps }, null, 2)};\n`);
  return file;
}

/** Every live process whose environment names this home: what a runtime left behind. */
function processesOf(homeVar, home) {
  const marker = `${homeVar}=${home}\0`;
  return readdirSync('/proc').filter((entry) => {
    if (!/^\d+$/.test(entry)) return false;
    try {
      const stat = readFileSync(`/proc/${entry}/stat`, 'utf8');
      if (stat.slice(stat.lastIndexOf(')') + 2).startsWith('Z')) return false;
      return `${readFileSync(`/proc/${entry}/environ`, 'latin1')}\0`.includes(marker);
    } catch {
      return false;
    }
  }).map(Number);
}

async function oneRun(runtime, scenario) {
  const home = mkdtempSync(join(tmpdir(), 'rtb-'));
  const file = ecosystem(home, scenario);
  const env = { ...process.env, [runtime.homeVar]: home };
  delete env.NODE_EXTRA_CA_CERTS; // ~130 ms per Node start on this machine, for both alike
  const child = spawn(process.execPath, [runtime.bin, file], { env, cwd: home, stdio: ['ignore', 'pipe', 'pipe'] });
  let output = '';
  child.stdout.on('data', (chunk) => (output += chunk));
  child.stderr.on('data', (chunk) => (output += chunk));
  const exited = new Promise((resolve) => child.once('exit', (code, signal) => resolve({ code, signal })));
  try {
    const deadline = Date.now() + 30_000;
    while ((output.match(/ready app\d/g) ?? []).length < APPS) {
      if (Date.now() > deadline) throw new Error(`${runtime.name}: the apps did not start:\n${output}`);
      await new Promise((resolve) => setTimeout(resolve, 20));
    }
    const started = process.hrtime.bigint();
    child.kill('SIGTERM');
    const { code } = await exited;
    const elapsed = Number(process.hrtime.bigint() - started) / 1e6;
    const left = processesOf(runtime.homeVar, home);
    for (const pid of left) process.kill(pid, 'SIGKILL');
    return { elapsed, code, left: left.length };
  } finally {
    if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
    rmSync(home, { recursive: true, force: true });
  }
}

async function main() {
  console.log(`\n## SIGTERM to exit with ${APPS} apps (median of ${RUNS} runs)\n`);
  console.log('| apps | kill timeout | runtime | SIGTERM → exit | exit code | processes left |');
  console.log('|---|---|---|---|---|---|');
  for (const scenario of SCENARIOS) {
    for (const runtime of RUNTIMES) {
      if (!existsSync(runtime.bin)) continue;
      const results = [];
      for (let run = 0; run < RUNS; run += 1) results.push(await oneRun(runtime, scenario));
      const codes = [...new Set(results.map((r) => r.code))].join(', ');
      const left = Math.max(...results.map((r) => r.left));
      console.log(`| ${scenario.name} | ${scenario.killTimeoutMs} ms | ${runtime.name} | ${ms(median(results.map((r) => r.elapsed)))} | ${codes} | ${left} |`);
    }
  }
}

module.exports = { main };
if (require.main === module) main();
