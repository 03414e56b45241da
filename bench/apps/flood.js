'use strict';
// Writes LINES lines as fast as the pipes take them, alternating stdout and stderr, each line
// "<pid> <stream> <seq> <padding>", then idles (so the manager does not restart it). Waiting
// for 'drain' is how a real app behaves when its output pipe is full.
const total = Number(process.env.LINES ?? 100000);
const pad = 'x'.repeat(Number(process.env.PAD ?? 60));
let seq = 0;
function pump() {
  while (seq < total) {
    const out = seq % 2 === 0;
    const stream = out ? process.stdout : process.stderr;
    const ok = stream.write(`${process.pid} ${out ? 'out' : 'err'} ${seq} ${pad}\n`);
    seq += 1;
    // Strictly false: a manager that patches write() may return nothing and never emit 'drain'.
    if (ok === false) return stream.once('drain', pump);
  }
  setInterval(() => {}, 1 << 30);
}
pump();
