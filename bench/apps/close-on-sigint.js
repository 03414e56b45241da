'use strict';
// The shutdown handler most guides recommend: close the server on SIGINT, then exit.
const server = require('node:http')
  .createServer((req, res) => res.end(`ok ${process.pid}\n`))
  .listen(Number(process.env.PORT), '127.0.0.1');
process.on('SIGINT', () => server.close(() => process.exit(0)));
