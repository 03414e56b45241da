'use strict';
// Overlapping commands at random, from a seed, so a run that breaks an invariant can be
// replayed: used by the concurrency test (a short run) and `npm run bench chaos` (long runs).
// Then the invariants tsm promises: every live process of the home is listed, every listed pid
// is alive, no process appears twice.
const { readdirSync, readFileSync } = require('node:fs');

/** A small seeded PRNG (mulberry32): the same seed gives the same commands. */
function random(seed) {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const VERBS = ['start-script', 'start-script-force', 'start-name', 'stop', 'restart', 'reload', 'delete'];

/** One command line for `app` ({ name, start: [args of tsm start] }). */
function commandFor(verb, app) {
  switch (verb) {
    case 'start-script':
      return ['start', ...app.start];
    case 'start-script-force':
      return ['start', ...app.start, '-f'];
    case 'start-name':
      return ['start', app.name];
    default:
      return [verb, app.name];
  }
}

/**
 * Fires commands at the apps for `durationMs`, up to `concurrency` at once, each after a random
 * pause of up to `maxGapMs`. `cmd(args)` runs one tsm command and resolves with its exit code.
 * Resolves once every command has returned, with what was run and how it ended.
 */
async function runChaos({ cmd, seed, durationMs, concurrency = 4, maxGapMs = 250, apps }) {
  const next = random(seed);
  const pick = (list) => list[Math.floor(next() * list.length)];
  const end = Date.now() + durationMs;
  const log = [];
  const lane = async () => {
    while (Date.now() < end) {
      await new Promise((resolve) => setTimeout(resolve, Math.floor(next() * maxGapMs)));
      const args = commandFor(pick(VERBS), pick(apps));
      const began = Date.now();
      const code = await cmd(args);
      log.push({ args: args.join(' '), code, ms: Date.now() - began });
    }
  };
  await Promise.all(Array.from({ length: concurrency }, lane));
  return log;
}

/** Live processes whose environment names this home (the daemon, apps, their children). */
function processesOfHome(home) {
  const marker = `TSM_HOME=${home}\0`;
  const found = [];
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry) || Number(entry) === process.pid) continue;
    try {
      if (!`${readFileSync(`/proc/${entry}/environ`, 'latin1')}\0`.includes(marker)) continue;
      const stat = readFileSync(`/proc/${entry}/stat`, 'utf8');
      if (stat.slice(stat.lastIndexOf(')') + 2).startsWith('Z')) continue;
      found.push(Number(entry));
    } catch {
      // gone, or not ours to read
    }
  }
  return found;
}

function isAlive(pid) {
  try {
    process.kill(pid, 0);
  } catch {
    return false;
  }
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    return !stat.slice(stat.lastIndexOf(')') + 2).startsWith('Z');
  } catch {
    return false;
  }
}

/**
 * The invariants, from `tsm list --json` (`processes`) and /proc: processes of the home that are
 * neither the daemon nor listed (untracked), listed pids that are dead, and ids or
 * (name, instance) pairs listed twice.
 */
function checkInvariants({ home, daemonPid, processes }) {
  const listed = new Set(processes.map((p) => p.pid).filter((pid) => pid !== null));
  const untracked = processesOfHome(home).filter((pid) => pid !== daemonPid && !listed.has(pid));
  const deadListed = [...listed].filter((pid) => !isAlive(pid));
  const seen = new Set();
  const duplicates = [];
  for (const p of processes) {
    for (const key of [`id ${p.id}`, `${p.name} instance ${p.instance}`]) {
      if (seen.has(key)) duplicates.push(key);
      seen.add(key);
    }
  }
  return { untracked, deadListed, duplicates };
}

module.exports = { random, runChaos, checkInvariants, processesOfHome };
