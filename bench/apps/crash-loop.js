'use strict';
// Crashes CRASH_MS (default 1200) after it starts: a crash loop that never counts as unstable.
console.error(`crashing in ${process.env.CRASH_MS ?? 1200} ms`);
setTimeout(() => process.exit(1), Number(process.env.CRASH_MS ?? 1200));
