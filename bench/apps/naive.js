'use strict';
// No shutdown handler at all: what most apps look like.
require('node:http')
  .createServer((req, res) => res.end(`ok ${process.pid}\n`))
  .listen(Number(process.env.PORT), '127.0.0.1');
