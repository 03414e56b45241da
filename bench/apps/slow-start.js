'use strict';
// Takes 1.5 s (loading config, warming caches...) before it listens.
setTimeout(() => {
  require('node:http')
    .createServer((req, res) => res.end(`ok ${process.pid}\n`))
    .listen(Number(process.env.PORT), '127.0.0.1');
}, 1500);
