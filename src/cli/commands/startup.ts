import { existsSync } from 'node:fs';
import { readFile, rename, unlink, writeFile } from 'node:fs/promises';
import { userInfo } from 'node:os';
import { join, resolve } from 'node:path';
import { TsmError } from '../../core/errors.js';
import { homePaths } from '../../core/paths.js';
import { parseSavedState } from '../../core/saved-state.js';
import { isTsmUnit, systemdUnit, unitName } from '../../core/systemd-unit.js';
import type { CliContext } from '../context.js';
import { notice } from '../print.js';
import { schedulingAtLaunch } from '../../client/scheduling-at-launch.js';
import { systemctl } from '../startup/systemctl.js';

export interface StartupFlags {
  print?: boolean;
  user?: string;
  tsmHome?: string;
  /** Hidden: write to this directory and run no systemctl (tests, packaging into an image). */
  unitDir?: string;
}

const SUPPORTED = 'systemd';
const SYSTEM_UNIT_DIR = '/etc/systemd/system';
/** From dist/cli/commands/ to the package's bin/. */
const RUNTIME_BIN = resolve(__dirname, '..', '..', '..', 'bin', 'tsm-runtime.js');

/**
 * `tsm startup [systemd]`: a systemd unit that runs the daemon in the foreground at boot and
 * brings back the apps of the last `tsm save`. Written and enabled as root; `--print` only
 * prints it (any user, nothing changes).
 */
export async function startup(ctx: CliContext, system: string | undefined, flags: StartupFlags): Promise<void> {
  checkSystem('startup', system);
  const user = flags.user ?? userInfo().username;
  const tsmHome = flags.tsmHome ? resolve(ctx.cwd, flags.tsmHome) : ctx.paths.home;
  const text = systemdUnit({
    user,
    tsmHome,
    // The Node running this command is the one the unit runs: nvm and friends put it off PATH.
    node: process.execPath,
    runtime: RUNTIME_BIN,
    killTimeoutsMs: await savedKillTimeouts(tsmHome),
    // The unit sets no TSM_CLUSTER_SCHEDULING: its daemon runs the saved policy.
    scheduling: schedulingAtLaunch(homePaths(tsmHome).settingsFile, undefined),
  });
  if (flags.print) {
    ctx.stdout.write(text);
    return;
  }
  const dir = await unitDir(ctx, 'startup', flags, ['--user', user, '--tsm-home', tsmHome]);
  const path = join(dir, unitName(user));
  await refuseForeign(path);
  // Written aside and renamed into place: systemd never reads half a unit.
  const temporary = `${path}.tsm-${process.pid}.tmp`;
  await writeFile(temporary, text, { mode: 0o644 }).catch((error: unknown) => {
    throw new TsmError('E_STARTUP', `could not write ${path}: ${(error as Error).message}`, { cause: error });
  });
  await rename(temporary, path);
  if (flags.unitDir === undefined) {
    await systemctl(['daemon-reload']);
    await systemctl(['enable', unitName(user)]);
  }
  await notice(
    ctx,
    `wrote ${path}${flags.unitDir === undefined ? ` and enabled ${unitName(user)}` : ' (--unit-dir: systemctl not run)'}. ` +
      `At boot, the daemon of ${tsmHome} runs as ${user} and starts the apps of the last 'tsm save': run 'tsm save' once your apps run. ` +
      `To hand the apps to the unit now: tsm save && tsm kill && sudo systemctl start ${unitName(user)}`,
  );
}

/** `tsm unstartup [systemd]`: disables and removes the unit `tsm startup` wrote. */
export async function unstartup(ctx: CliContext, system: string | undefined, flags: StartupFlags): Promise<void> {
  checkSystem('unstartup', system);
  const user = flags.user ?? userInfo().username;
  const dir = await unitDir(ctx, 'unstartup', flags, ['--user', user]);
  const path = join(dir, unitName(user));
  if (!existsSync(path)) {
    await notice(ctx, `no unit at ${path}: nothing to remove`);
    return;
  }
  await refuseForeign(path);
  if (flags.unitDir === undefined) await systemctl(['disable', unitName(user)]);
  await unlink(path);
  if (flags.unitDir === undefined) await systemctl(['daemon-reload']);
  await notice(
    ctx,
    `removed ${path}: the daemon no longer starts at boot. A daemon the unit started keeps running until ` +
      `'sudo systemctl stop ${unitName(user)}' or the next reboot.`,
  );
}

function checkSystem(command: string, system: string | undefined): void {
  if (system === undefined || system === SUPPORTED) return;
  throw new TsmError(
    'E_USAGE',
    `tsm ${command} ${system}: not supported. tsm writes units for systemd only (Debian, Ubuntu, Fedora, RHEL, Arch...). ` +
      "Under another init system, run 'tsm-runtime resurrect' as a service in the foreground.",
  );
}

/**
 * The directory the unit goes to, after the checks that make writing there possible: root, and
 * a machine that runs systemd. Not root: the exact command to run with sudo, and exit 1.
 */
async function unitDir(ctx: CliContext, command: string, flags: StartupFlags, keep: string[]): Promise<string> {
  if (flags.unitDir !== undefined) return resolve(ctx.cwd, flags.unitDir);
  if (userInfo().uid !== 0) {
    const words = [process.execPath, resolve(RUNTIME_BIN, '..', 'tsm.js'), command, SUPPORTED, ...keep];
    throw new TsmError(
      'E_STARTUP',
      `tsm ${command} writes to ${SYSTEM_UNIT_DIR} and runs systemctl, which takes root. Run:\n  sudo ${words.map(shellWord).join(' ')}\n` +
        `(or 'tsm ${command} --print' to see the unit without changing anything).`,
    );
  }
  // sd_booted(): systemd's own test for "this machine runs systemd".
  if (!existsSync('/run/systemd/system')) {
    throw new TsmError(
      'E_STARTUP',
      `this machine does not run systemd (no /run/systemd/system), and systemd is the init system tsm supports. ` +
        "'tsm startup --print' shows the unit; under another init, run 'tsm-runtime resurrect' as a service.",
    );
  }
  return SYSTEM_UNIT_DIR;
}

async function refuseForeign(path: string): Promise<void> {
  const current = await readFile(path, 'utf8').catch(() => null);
  if (current !== null && !isTsmUnit(current)) {
    throw new TsmError(
      'E_STARTUP',
      `${path} exists and was not written by tsm (its first line is not the tsm marker); it is left as it is. Move it away, or pass --user to name another unit.`,
    );
  }
}

/** The kill timeouts of the apps the unit will bring back: those of the last `tsm save`. */
async function savedKillTimeouts(tsmHome: string): Promise<number[]> {
  const text = await readFile(homePaths(tsmHome).dumpFile, 'utf8').catch(() => null);
  if (text === null) return [];
  const parsed = parseSavedState(text);
  return parsed.ok ? parsed.state.apps.map((app) => app.spec.killTimeout) : [];
}

/** A word as a POSIX shell reads it back unchanged. */
function shellWord(word: string): string {
  return /^[A-Za-z0-9_./=:-]+$/.test(word) ? word : `'${word.replace(/'/g, "'\\''")}'`;
}
