'use strict';
const { readdirSync, readFileSync } = require('node:fs');
const { join } = require('node:path');
const { gunzipSync } = require('node:zlib');

/** Every line of every file in `dir` whose name starts with `prefix` (rotated and gzipped included). */
function readLines(dir, prefix) {
  const lines = [];
  // Oldest first: app.log.3, app.log.2, app.log.1, then app.log.
  const rank = (name) => {
    const match = /^(.*?\.log)(?:\.(\d+))?(?:\.gz)?$/.exec(name);
    return [match ? match[1] : name, match && match[2] ? -Number(match[2]) : 0];
  };
  const names = readdirSync(dir)
    .filter((name) => name.startsWith(prefix))
    .sort((a, b) => {
      const [baseA, indexA] = rank(a);
      const [baseB, indexB] = rank(b);
      return baseA === baseB ? indexA - indexB : baseA < baseB ? -1 : 1;
    });
  for (const name of names) {
    const raw = readFileSync(join(dir, name));
    const text = (name.endsWith('.gz') ? gunzipSync(raw) : raw).toString('utf8');
    for (const line of text.split('\n')) if (line !== '') lines.push({ file: name, line });
  }
  return lines;
}

module.exports = { readLines };
