'use strict';
// wrk (C, epoll; Debian: apt-get install wrk) as a load generator that leaves the server most of
// the CPU, where bench/lib/load.js (Node) takes about a core itself. One thread, 20 connections,
// `Connection: close`: wrk then opens a new connection for every request.
const { execFile, execFileSync } = require('node:child_process');

function wrkAvailable() {
  try {
    execFileSync('wrk', ['--version'], { stdio: 'ignore' });
    return true;
  } catch (error) {
    // wrk --version prints its banner and exits 1; only a missing binary is ENOENT.
    return error.code !== 'ENOENT';
  }
}

/** Runs wrk for `seconds`; resolves with { rate, ok, failed } (failed: socket errors and non-2xx). */
function runWrk({ port, seconds, clients = 20, keepAlive = false }) {
  const args = ['-t1', `-c${clients}`, `-d${seconds}s`, '--timeout', '5s'];
  if (!keepAlive) args.push('-H', 'Connection: close');
  args.push(`http://127.0.0.1:${port}/`);
  return new Promise((resolve, reject) => {
    execFile('wrk', args, (error, stdout) => {
      if (error) return reject(Object.assign(error, { stdout }));
      const number = (re) => Number((re.exec(stdout) ?? [])[1] ?? 0);
      const total = number(/(\d+) requests in/);
      const socketErrors = /Socket errors: connect (\d+), read (\d+), write (\d+), timeout (\d+)/.exec(stdout);
      const errors = socketErrors ? socketErrors.slice(1).reduce((n, v) => n + Number(v), 0) : 0;
      const non2xx = number(/Non-2xx or 3xx responses: (\d+)/);
      resolve({ rate: number(/Requests\/sec:\s+([\d.]+)/), ok: total - non2xx, failed: errors + non2xx });
    });
  });
}

module.exports = { wrkAvailable, runWrk };

/** wrk until stop(): a flood for measuring something else meanwhile. */
function startWrkFlood({ port, clients = 20 }) {
  const { spawn } = require('node:child_process');
  const child = spawn('wrk', ['-t1', `-c${clients}`, '-d3600s', '--timeout', '5s', '-H', 'Connection: close', `http://127.0.0.1:${port}/`], {
    stdio: 'ignore',
  });
  const exited = new Promise((resolve) => child.once('exit', resolve));
  return {
    async stop() {
      child.kill('SIGTERM');
      await exited;
    },
  };
}

module.exports.startWrkFlood = startWrkFlood;
