#!/usr/bin/env node
'use strict';
// tsm-runtime: the tsm daemon in the foreground, for containers. The CLI's parser checks the
// command line, then the daemon's foreground mode runs it; this file joins the two (neither layer
// imports the other) and is the one place this process exits.
const { homedir } = require('node:os');
const { runtimeMain } = require('../dist/cli/runtime/main.js');
const { homePaths, resolveHome } = require('../dist/core/paths.js');

// A log collector that goes away is not a reason to crash the apps' daemon.
for (const stream of [process.stdout, process.stderr]) {
  stream.on('error', (error) => {
    if (error.code !== 'EPIPE') throw error;
  });
}

runtimeMain(
  process.argv.slice(2),
  {
    paths: homePaths(resolveHome(process.env, homedir(), process.cwd())),
    env: process.env,
    cwd: process.cwd(),
    stdout: process.stdout,
    stderr: process.stderr,
    stdin: () => process.stdin,
  },
  (plan) => {
    // Loaded only once the command line is good: a usage error does not pay for the daemon.
    const { runForeground } = require('../dist/daemon/foreground/run.js');
    return runForeground(plan, { stdout: process.stdout, stderr: process.stderr, pid: process.pid });
  },
).then(
  // Exit, not exitCode: the daemon's timers and handles would otherwise keep the process alive.
  (code) => process.exit(code),
  (error) => {
    process.stderr.write(`tsm-runtime failed: ${(error && error.stack) || String(error)}\n`);
    process.exit(1);
  },
);
