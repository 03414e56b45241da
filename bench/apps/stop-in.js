'use strict';
// For the runtime bench: says it is ready, then on SIGINT/SIGTERM takes STOP_MS to finish (its
// cleanup) before exiting 0; STOP_MS=never ignores the signals, so only SIGKILL ends it.
const stopMs = process.env.STOP_MS ?? '100';
console.log(`ready ${process.env.APP_NAME ?? process.pid}`);
const stop = () => {
  if (stopMs === 'never') return;
  setTimeout(() => process.exit(0), Number(stopMs));
};
process.on('SIGINT', stop);
process.on('SIGTERM', stop);
setInterval(() => {}, 1 << 30);
