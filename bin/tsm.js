#!/usr/bin/env node
'use strict';
// The entry point of the CLI, and the one place its process exit code is set.
const { homedir } = require('node:os');
const { main } = require('../dist/cli/main.js');

// `tsm jlist | head` closes the pipe early: that is the reader's choice, not a crash.
for (const stream of [process.stdout, process.stderr]) {
  stream.on('error', (error) => {
    if (error.code !== 'EPIPE') throw error;
  });
}
const { homePaths, resolveHome } = require('../dist/core/paths.js');

main(process.argv.slice(2), {
  paths: homePaths(resolveHome(process.env, homedir(), process.cwd())),
  env: process.env,
  cwd: process.cwd(),
  stdout: process.stdout,
  stderr: process.stderr,
  stdin: () => process.stdin,
}).then((code) => {
  process.exitCode = code;
});
