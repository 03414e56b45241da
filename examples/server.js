// A small HTTP server for trying tsm: `npx tsm start examples/server.js -i max`.
// Each response names the worker that served it, so round-robin is visible with curl.
const http = require('node:http');

const port = Number(process.env.PORT ?? 3000);
// In a container the server must listen beyond loopback: HOST=0.0.0.0 (examples/Dockerfile).
const host = process.env.HOST ?? '127.0.0.1';
const instance = process.env.NODE_APP_INSTANCE ?? '-';

const server = http.createServer((req, res) => {
  res.setHeader('content-type', 'text/plain');
  res.end(`hello from pid ${process.pid} (instance ${instance})\n`);
});

server.listen(port, host, () => {
  console.log(`listening on http://${host}:${port} (pid ${process.pid}, instance ${instance})`);
});

process.on('SIGINT', () => {
  console.log(`pid ${process.pid} shutting down`);
  server.close(() => process.exit(0));
});
