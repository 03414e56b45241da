'use strict';
const http = require('node:http');
const { createServer } = require('node:net');
const { setTimeout: delay } = require('node:timers/promises');

function freePort() {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address();
      server.close(() => resolve(port));
    });
  });
}

/** Polls `check` until true, or throws after `timeoutMs`. */
async function waitFor(check, timeoutMs, intervalMs = 20) {
  const deadline = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`condition not met within ${timeoutMs} ms`);
    await delay(intervalMs);
  }
}

/** True when an HTTP GET of 127.0.0.1:`port` answers 200 (a fresh connection, no keep-alive). */
function answers(port) {
  return new Promise((resolve) => {
    http
      .get({ host: '127.0.0.1', port, agent: false }, (res) => {
        res.resume();
        res.on('end', () => resolve(res.statusCode === 200));
      })
      .on('error', () => resolve(false));
  });
}

module.exports = { freePort, waitFor, answers };
