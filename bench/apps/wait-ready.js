'use strict';
// Listens, then does more start-up work, and only then tells the manager it is ready.
require('node:http')
  .createServer((req, res) => res.end(`ok ${process.pid}\n`))
  .listen(Number(process.env.PORT), '127.0.0.1', () => setTimeout(() => process.send('ready'), 500));
