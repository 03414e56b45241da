'use strict';
// Which processes hold the listening TCP socket of a port (Linux /proc): with Node's round-robin
// only the cluster primary does (it accepts, then passes each connection on); with a shared
// socket every worker does too, and accepts for itself.
const { readdirSync, readFileSync, readlinkSync } = require('node:fs');

function listeningInodes(port) {
  const inodes = new Set();
  for (const table of ['/proc/net/tcp', '/proc/net/tcp6']) {
    let text = '';
    try {
      text = readFileSync(table, 'utf8');
    } catch {
      continue;
    }
    for (const line of text.split('\n').slice(1)) {
      const f = line.trim().split(/\s+/);
      if (f.length < 10 || f[3] !== '0A') continue; // 0A: LISTEN
      if (parseInt(f[1].split(':')[1], 16) === port) inodes.add(f[9]);
    }
  }
  return inodes;
}

/** Pids (among `pids`) holding a listening socket of `port`. */
function holdersOf(port, pids) {
  const inodes = listeningInodes(port);
  return pids.filter((pid) => {
    try {
      return readdirSync(`/proc/${pid}/fd`).some((fd) => {
        try {
          const m = /^socket:\[(\d+)\]$/.exec(readlinkSync(`/proc/${pid}/fd/${fd}`));
          return m !== null && inodes.has(m[1]);
        } catch {
          return false;
        }
      });
    } catch {
      return false;
    }
  });
}

module.exports = { holdersOf };
