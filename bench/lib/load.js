'use strict';
// A closed-loop HTTP load generator on 127.0.0.1: `clients` loops, each sending its next request
// as soon as the previous one is answered, until stop() is called. Every request is judged: a
// complete 2xx response within `timeoutMs` is a success; an error, a reset, a non-2xx status or
// no answer in time is a failure, recorded with its reason.
const http = require('node:http');

function startLoad({ port, clients = 20, keepAlive = true, timeoutMs = 5000, path = '/' }) {
  const agent = new http.Agent({ keepAlive, maxSockets: clients });
  const stats = { ok: 0, failed: 0, reasons: {}, latencies: [], lastOk: Date.now(), longestGapMs: 0 };
  let running = true;

  const once = () =>
    new Promise((resolve) => {
      const began = process.hrtime.bigint();
      let settled = false;
      const done = (error) => {
        if (settled) return;
        settled = true;
        const now = Date.now();
        if (error) {
          stats.failed += 1;
          stats.reasons[error] = (stats.reasons[error] ?? 0) + 1;
        } else {
          stats.ok += 1;
          stats.latencies.push(Number(process.hrtime.bigint() - began) / 1e6);
          stats.longestGapMs = Math.max(stats.longestGapMs, now - stats.lastOk);
          stats.lastOk = now;
        }
        resolve();
      };
      const req = http.get({ host: '127.0.0.1', port, path, agent, timeout: timeoutMs }, (res) => {
        res.resume();
        res.on('end', () => done(res.statusCode >= 200 && res.statusCode < 300 ? null : `status ${res.statusCode}`));
        res.on('error', (e) => done(e.code ?? e.message));
      });
      req.on('timeout', () => req.destroy(Object.assign(new Error('no answer in time'), { code: 'TIMEOUT' })));
      req.on('error', (e) => done(e.code ?? e.message));
    });

  const loops = Array.from({ length: clients }, async () => {
    while (running) await once();
  });

  return {
    stats,
    async stop() {
      running = false;
      await Promise.all(loops);
      agent.destroy();
      return summarize(stats);
    },
  };
}

function summarize(stats) {
  const sorted = [...stats.latencies].sort((a, b) => a - b);
  const at = (q) => (sorted.length ? sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))] : 0);
  return {
    ok: stats.ok,
    failed: stats.failed,
    reasons: stats.reasons,
    p99Ms: Math.round(at(0.99) * 10) / 10,
    maxMs: Math.round((sorted[sorted.length - 1] ?? 0) * 10) / 10,
    longestGapMs: stats.longestGapMs,
  };
}

module.exports = { startLoad };
