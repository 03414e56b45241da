'use strict';
// naive.js that also counts: every 200 ms it writes "<requests> <connections>" to COUNT_DIR/<pid>,
// so a benchmark can tell how the load was shared between workers, whatever generated it.
const { writeFileSync } = require('node:fs');
const { join } = require('node:path');

let requests = 0;
let connections = 0;
const server = require('node:http').createServer((req, res) => {
  requests += 1;
  res.end(`ok ${process.pid}\n`);
});
server.on('connection', () => {
  connections += 1;
});
server.listen(Number(process.env.PORT), '127.0.0.1');
const file = join(process.env.COUNT_DIR, String(process.pid));
setInterval(() => writeFileSync(file, `${requests} ${connections}\n`), 200).unref();
