import type { SchedulingPolicy } from './cluster-scheduling.js';
import { daemonNodeFlags } from './daemon-node-flags.js';
import { TsmError } from './errors.js';

/**
 * The first line of every unit tsm writes. `tsm startup` replaces and `tsm unstartup` removes
 * only a file that carries it, so a unit someone wrote by hand is never overwritten.
 */
export const UNIT_MARKER = '# tsm-managed unit:';

/** The kill timeout of an app that sets none (app-spec's default). */
const DEFAULT_KILL_TIMEOUT_MS = 5000;

/** Time for the daemon around the apps' stops: saving the list, closing files, exiting. */
const STOP_MARGIN_S = 15;

export interface UnitSettings {
  /** The user the daemon and its apps run as. */
  user: string;
  tsmHome: string;
  /** Absolute path of the Node that runs tsm (process.execPath of `tsm startup`). */
  node: string;
  /** Absolute path of bin/tsm-runtime.js. */
  runtime: string;
  /** The kill timeouts of the apps the unit will bring back (ms). */
  killTimeoutsMs: readonly number[];
  /** The cluster scheduling policy the daemon will run, which its Node flags suit. */
  scheduling: SchedulingPolicy;
}

/** `tsm-alice.service`: one unit per user, so two users' daemons do not replace each other. */
export function unitName(user: string): string {
  return `tsm-${checkUser(user)}.service`;
}

export function isTsmUnit(text: string): boolean {
  return text.startsWith(UNIT_MARKER);
}

/**
 * systemctl stop must leave the daemon the time to stop every app (in parallel) within its own
 * kill timeout; the largest one plus a margin. An app added later with a longer timeout needs
 * `tsm startup` again, which the README says.
 */
export function stopTimeoutSeconds(killTimeoutsMs: readonly number[]): number {
  const longest = Math.max(DEFAULT_KILL_TIMEOUT_MS, ...killTimeoutsMs);
  return Math.ceil(longest / 1000) + STOP_MARGIN_S;
}

/**
 * The unit: `Type=simple` around the daemon in the foreground (`tsm-runtime resurrect`), not
 * `forking` around a daemon that detaches, which is where PM2's units time out at start: systemd
 * has the daemon's pid from the start and needs no pid file.
 *
 * KillMode=mixed: `systemctl stop` sends SIGTERM to the daemon alone, which stops each app with
 * its own kill signal (SIGINT by default, or the shutdown message) and kill timeout, as `tsm kill`
 * does. With the default (control-group) every app would get SIGTERM from systemd at the same
 * moment, whatever its kill signal, while the daemon was still stopping them. After
 * TimeoutStopSec, whatever is left in the group gets SIGKILL (`process` would leave it running).
 */
export function systemdUnit(settings: UnitSettings): string {
  const user = checkUser(settings.user);
  return [
    `${UNIT_MARKER} written by 'tsm startup', removed by 'tsm unstartup'. Run 'tsm startup' again rather than editing it.`,
    '[Unit]',
    `Description=tsm process manager for ${user} (TSM_HOME=${escapeValue(settings.tsmHome)})`,
    'After=network-online.target',
    'Wants=network-online.target',
    '',
    '[Service]',
    'Type=simple',
    `User=${user}`,
    `Environment=${quote(`TSM_HOME=${settings.tsmHome}`)}`,
    // The apps of the last `tsm save`, brought back by the daemon itself: see tsm-runtime resurrect.
    `ExecStart=${[settings.node, ...daemonNodeFlags(settings.scheduling), settings.runtime].map(quote).join(' ')} resurrect`,
    'Restart=on-failure',
    'RestartSec=2',
    'KillMode=mixed',
    'KillSignal=SIGTERM',
    `TimeoutStopSec=${stopTimeoutSeconds(settings.killTimeoutsMs)}`,
    '',
    '[Install]',
    'WantedBy=multi-user.target',
    '',
  ].join('\n');
}

/** A login name as useradd takes it; anything else would be read by systemd as something else. */
function checkUser(user: string): string {
  if (!/^[a-z_][a-z0-9_.-]{0,31}$/i.test(user)) {
    throw new TsmError('E_USAGE', `--user ${JSON.stringify(user)}: not a user name (letters, digits, '_', '.', '-').`);
  }
  return user;
}

/** A path in a unit file: `%` starts a systemd specifier, and a newline would end the setting. */
function escapeValue(value: string): string {
  if (/[\n\r]/.test(value)) throw new TsmError('E_USAGE', `a path in a systemd unit cannot hold a line break: ${JSON.stringify(value)}.`);
  return value.replace(/%/g, '%%');
}

/** Double-quoted as systemd reads ExecStart and Environment words: spaces kept, \ and " escaped. */
function quote(value: string): string {
  return `"${escapeValue(value).replace(/\\/g, '\\\\').replace(/"/g, '\\"')}"`;
}
