import { homedir } from 'node:os';
import { resolveHome } from '../core/paths.js';
import { runDaemon } from './main.js';

// The daemon's process entry: the CLI spawns `node entry.js --home <dir>` detached. The home is
// on the command line so `ps` shows which home a daemon serves.
const flag = process.argv.indexOf('--home');
const home = flag >= 0 ? process.argv[flag + 1] : undefined;

runDaemon({ home: home ?? resolveHome(process.env, homedir(), process.cwd()) }).then(
  (code) => process.exit(code),
  (error: unknown) => {
    process.stderr.write(`${new Date().toISOString()} error daemon failed to start: ${(error as Error)?.stack ?? String(error)}\n`);
    process.exit(1);
  },
);
