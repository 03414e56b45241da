'use strict';
// `npm run bench [-- spine reload]`: runs the named suites (default: all) and prints markdown.
const SUITES = {
  spine: './spine.js',
  list: './list.js',
  idle: './idle.js',
  connections: './connections.js',
  many: './many.js',
  reload: './reload.js',
  logs: './logs.js',
  requests: './requests.js',
  chaos: './chaos.js',
  soak: './soak.js',
  metrics: './metrics.js',
  runtime: './runtime.js',
  triggers: './triggers.js',
};

async function main() {
  const names = process.argv.slice(2).filter((name) => name in SUITES);
  for (const name of names.length > 0 ? names : Object.keys(SUITES)) {
    await require(SUITES[name]).main();
  }
}

main().catch((error) => {
  console.error(error);
  process.exitCode = 1;
});
