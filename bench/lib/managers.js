'use strict';
// tsm and PM2 driven the same way: a temporary home each, commands run as child processes, and
// a cleanup that kills the daemon. PM2 is a devDependency for benchmarks only; it is run, never
// imported. NODE_EXTRA_CA_CERTS is removed for both: on this machine it adds ~130 ms to every
// Node start, which would hide the difference being measured.
const { execFile } = require('node:child_process');
const { existsSync, mkdtempSync, rmSync } = require('node:fs');
const { tmpdir } = require('node:os');
const { join } = require('node:path');

const ROOT = join(__dirname, '..', '..');

function baseEnv(extra) {
  const env = { ...process.env, ...extra };
  delete env.NODE_EXTRA_CA_CERTS;
  delete env.FORCE_COLOR;
  return env;
}

function run(file, args, env) {
  return new Promise((resolve, reject) => {
    execFile(process.execPath, [file, ...args], { env, maxBuffer: 64 * 1024 * 1024 }, (error, stdout, stderr) => {
      if (error) reject(Object.assign(error, { stdout, stderr }));
      else resolve({ stdout, stderr });
    });
  });
}

/** `bin` another build's bin/tsm.js (e.g. an older commit) to compare; `name` its label. */
function tsm(bin = join(ROOT, 'bin', 'tsm.js'), name = 'tsm') {
  const home = mkdtempSync(join(tmpdir(), 'tsmb-'));
  const env = baseEnv({ TSM_HOME: home });
  return {
    name,
    home,
    bin,
    env,
    cmd: (...args) => run(bin, args, env),
    async daemonPid() {
      return JSON.parse((await run(bin, ['ping', '--json'], env)).stdout).pid;
    },
    async pids(name) {
      const list = JSON.parse((await run(bin, ['jlist'], env)).stdout);
      return list.filter((p) => p.name === name).map((p) => p.pid);
    },
    async cleanup() {
      await run(bin, ['kill'], env).catch(() => {});
      rmSync(home, { recursive: true, force: true });
    },
  };
}

function pm2() {
  const bin = join(ROOT, 'node_modules', 'pm2', 'bin', 'pm2');
  if (!existsSync(bin)) return null;
  const home = mkdtempSync(join(tmpdir(), 'pm2b-'));
  const env = baseEnv({ PM2_HOME: home });
  return {
    name: 'pm2',
    home,
    bin,
    env,
    cmd: (...args) => run(bin, args, env),
    async daemonPid() {
      await run(bin, ['ping'], env);
      const { readFileSync } = require('node:fs');
      return Number(readFileSync(join(home, 'pm2.pid'), 'utf8'));
    },
    async pids(name) {
      const list = JSON.parse((await run(bin, ['jlist'], env)).stdout);
      return list.filter((p) => p.name === name).map((p) => p.pid);
    },
    async cleanup() {
      await run(bin, ['kill'], env).catch(() => {});
      rmSync(home, { recursive: true, force: true });
    },
  };
}

/**
 * CPU time a process has used so far, in ms, all threads: the sum of the schedstat of every /proc/<pid>/task
 * (nanoseconds), since on this VM the tick-based utime/stime of /proc/<pid>/stat stay at 0 for a
 * mostly idle process. Falls back to utime+stime where schedstat is missing.
 */
function cpuMsOf(pid) {
  const { readdirSync, readFileSync } = require('node:fs');
  try {
    let ns = 0;
    for (const task of readdirSync(`/proc/${pid}/task`)) {
      ns += Number(readFileSync(`/proc/${pid}/task/${task}/schedstat`, 'utf8').split(' ')[0]);
    }
    return ns / 1e6;
  } catch {
    const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1].split(' ');
    return ((Number(fields[11]) + Number(fields[12])) * 1000) / 100;
  }
}

function rssOf(pid) {
  const { readFileSync } = require('node:fs');
  const status = readFileSync(`/proc/${pid}/status`, 'utf8');
  return Number(/VmRSS:\s+(\d+)/.exec(status)[1]) * 1024;
}

module.exports = { tsm, pm2, rssOf, cpuMsOf, ROOT, baseEnv };
