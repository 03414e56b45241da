'use strict';
// A fork-mode app for the spine bench: listens on PORT and answers.
require('node:http')
  .createServer((req, res) => res.end('ok\n'))
  .listen(Number(process.env.PORT), '127.0.0.1');
