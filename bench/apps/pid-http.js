'use strict';
// Answers every request with its own pid on PORT: a client can tell when a new process answers.
require('node:http')
  .createServer((req, res) => res.end(String(process.pid)))
  .listen(Number(process.env.PORT), '127.0.0.1');
