'use strict';
// Issue 4's figures, tsm and PM2 side by side: 200,000 lines written as fast as possible by one
// fork app, and by 4 cluster workers at once, stdout and stderr interleaved. Lines that land
// (whole, each process's lines in order, none missing), the time until the last is in its file,
// and the daemon's peak RSS during the flood. Then `logs --lines 200 --nostream` on a 1 GB log,
// and rotation at 1 MB during the flood with nothing lost across files.
const { writeFileSync, openSync, writeSync, closeSync, mkdtempSync, rmSync } = require('node:fs');
const { tmpdir } = require('node:os');
const { join } = require('node:path');
const { performance } = require('node:perf_hooks');
const { tsm, pm2, rssOf } = require('./lib/managers.js');
const { median, ms, mb, ratio } = require('./lib/stats.js');
const { waitFor } = require('./lib/net.js');
const { readLines } = require('./lib/log-lines.js');

const TOTAL = Number(process.env.BENCH_LOG_LINES ?? 200_000);
const FLOOD = join(__dirname, 'apps', 'flood.js');

/** Checks wholeness and order: per pid and stream, sequence numbers strictly increase by 2. */
function check(lines, expected) {
  const last = new Map();
  let whole = 0;
  let broken = 0;
  let outOfOrder = 0;
  for (const { line } of lines) {
    const match = /(\d+) (out|err) (\d+) x+$/.exec(line);
    if (!match || line.length < 60) {
      broken += 1;
      continue;
    }
    whole += 1;
    const key = `${match[1]} ${match[2]}`;
    const seq = Number(match[3]);
    if (last.has(key) && seq !== last.get(key) + 2) outOfOrder += 1;
    last.set(key, seq);
  }
  return { whole, broken, outOfOrder, missing: expected - whole };
}

async function flood(make, { instances, rotate }) {
  const manager = make();
  if (!manager) return null;
  const logDir = join(manager.home, 'logs');
  let sampler;
  try {
    const daemonPid = await manager.daemonPid();
    let peak = rssOf(daemonPid);
    sampler = setInterval(() => {
      try {
        peak = Math.max(peak, rssOf(daemonPid));
      } catch {}
    }, 25);
    manager.env.LINES = String(TOTAL / instances);
    const args = ['start', FLOOD, '--name', 'flood'];
    if (instances > 1) args.push('-i', String(instances));
    if (rotate) args.push('--log-max-size', '1M', '--log-retain', '1000');
    const began = performance.now();
    await manager.cmd(...args);
    let lines = [];
    await waitFor(() => {
      lines = readLines(logDir, 'flood-');
      return lines.length >= TOTAL;
    }, 120_000, 50);
    const elapsed = performance.now() - began;
    const files = new Set(lines.map((l) => l.file)).size;
    return { elapsed, peak, files, ...check(lines, TOTAL) };
  } catch (error) {
    const lines = readLines(logDir, 'flood-');
    return { error: `${error.message}; ${JSON.stringify(check(lines, TOTAL))}` };
  } finally {
    clearInterval(sampler);
    await manager.cleanup();
  }
}

async function tailBigLog(make) {
  const manager = make();
  if (!manager) return null;
  const dir = mkdtempSync(join(tmpdir(), 'biglog-'));
  const file = join(dir, 'big-out.log');
  try {
    const line = `${'y'.repeat(99)}\n`;
    const block = Buffer.from(line.repeat(10_000)); // 1 MB
    const fd = openSync(file, 'w');
    for (let i = 0; i < 1024; i += 1) writeSync(fd, block);
    closeSync(fd);
    manager.env.LINES = '0';
    const extra = manager.name === 'tsm' ? ['--log-max-size', '0'] : [];
    await manager.cmd('start', FLOOD, '--name', 'big', '-o', file, '-e', join(dir, 'big-err.log'), ...extra);
    const times = [];
    for (let i = 0; i < 5; i += 1) {
      const began = performance.now();
      await manager.cmd('logs', 'big', '--lines', '200', '--nostream', '--out');
      times.push(performance.now() - began);
    }
    return median(times);
  } finally {
    await manager.cleanup();
    rmSync(dir, { recursive: true, force: true });
  }
}

const flat = (r) =>
  !r ? 'not installed' : r.error ? `failed: ${r.error}` : `${r.whole}/${TOTAL} whole, ${r.missing} missing, ${r.broken} broken, ${r.outOfOrder} out of order; ${ms(r.elapsed)}; peak RSS ${mb(r.peak)}; ${r.files} file(s)`;

async function main() {
  console.log(`\n## logs: ${TOTAL} lines, stdout and stderr interleaved`);
  for (const instances of [1, 4]) {
    const t = await flood(tsm, { instances, rotate: false });
    const p = await flood(pm2, { instances, rotate: false });
    console.log(`- ${instances === 1 ? 'one fork app' : '4 cluster workers'}:`);
    console.log(`  - tsm: ${flat(t)}`);
    console.log(`  - pm2: ${flat(p)}`);
    if (t && p && !t.error && !p.error) console.log(`  - time ratio pm2/tsm: ${ratio(t.elapsed, p.elapsed)}`);
  }
  const rotated = await flood(tsm, { instances: 4, rotate: true });
  console.log(`- tsm, 4 workers, rotation at 1 MB during the flood: ${flat(rotated)}`);
  const tTail = await tailBigLog(tsm);
  const pTail = await tailBigLog(pm2);
  console.log(`- \`logs --lines 200 --nostream\` on a 1 GB log (median of 5): tsm ${ms(tTail)}, pm2 ${pTail ? ms(pTail) : '-'}${pTail ? ` (${ratio(tTail, pTail)})` : ''}`);
}

module.exports = { main };
if (require.main === module) main();
