'use strict';
// Grows its RSS past LIMIT_BYTES at a moment it picks, and writes to MARK_FILE, one line each:
// `start <ms> <pid>` when it starts, `cross <ms> <pid> <rss>` when its own RSS (as the kernel
// counts it, process.memoryUsage.rss()) first passes the limit, and `stop <ms> <pid> <signal>`
// when told to stop. The growth starts GROW_AFTER_MS plus a random part of GROW_SPREAD_MS after
// start: a leak does not wait for the manager's sampling clock, so the crossing must land at any
// point of the manager's sampling period.
const { appendFileSync } = require('node:fs');

const file = process.env.MARK_FILE;
const limit = Number(process.env.LIMIT_BYTES);
const after = Number(process.env.GROW_AFTER_MS ?? 2000) + Math.random() * Number(process.env.GROW_SPREAD_MS ?? 0);
const mark = (...fields) => appendFileSync(file, `${fields.join(' ')}\n`);

mark('start', Date.now(), process.pid);
for (const signal of ['SIGINT', 'SIGTERM']) {
  process.on(signal, () => {
    mark('stop', Date.now(), process.pid, signal);
    process.exit(0);
  });
}

const held = [];
setTimeout(() => {
  // 8 MB at a time, each filled so its pages are really resident (a zeroed allocation may not be).
  let crossed = false;
  while (process.memoryUsage.rss() < limit * 1.3) {
    held.push(Buffer.alloc(8 * 1024 * 1024).fill(1));
    const rss = process.memoryUsage.rss();
    if (!crossed && rss > limit) {
      crossed = true;
      mark('cross', Date.now(), process.pid, rss);
    }
  }
}, after);
setInterval(() => held.length, 1 << 30); // keeps the process (and what it holds) alive
