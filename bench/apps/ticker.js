'use strict';
// Writes RATE numbered lines a second to stdout (a steady logger for the soak bench).
const rate = Number(process.env.RATE ?? 500);
let seq = 0;
const pad = 'x'.repeat(40);
setInterval(() => {
  let text = '';
  for (let i = 0; i < rate / 10; i += 1) text += `${seq++} ${pad}\n`;
  process.stdout.write(text);
}, 100);
