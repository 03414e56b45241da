import type { StartInput } from '../../core/app-spec.js';
import type { ForegroundPlan } from '../../core/foreground-plan.js';
import { TsmError } from '../../core/errors.js';
import type { StartParams } from '../../protocol/methods.js';
import { checkParams } from '../../protocol/request.js';
import { handleResurrect } from '../handlers/save.js';
import { handleStart } from '../handlers/start.js';
import { runDaemon } from '../main.js';
import { descendants, signalAll } from '../process/kill-tree.js';
import type { DaemonState } from '../state.js';
import { printLines, type ConsoleStreams } from './console-lines.js';
import { IdleWatch } from './idle-watch.js';

export interface ForegroundIo extends ConsoleStreams {
  /** process.pid: as PID 1, nothing reaps the orphans of the apps unless an init does. */
  pid: number;
}

export const PID1_WARNING =
  'tsm-runtime: warning: running as PID 1. Node reaps only the processes it started, so processes ' +
  'your apps leave behind would stay as zombies. Give the container an init: `docker run --init`, ' +
  'or tini as the ENTRYPOINT (see examples/Dockerfile).\n';

/**
 * The daemon in the foreground: the same runDaemon as the background daemon (same socket, same
 * owners, same restart policy), with its lines on the console, the apps of `plan` started, and
 * the signals a container gets. Resolves with the exit code; bin/tsm-runtime.js exits with it.
 */
export async function runForeground(plan: ForegroundPlan, io: ForegroundIo): Promise<number> {
  if (io.pid === 1) io.stderr.write(PID1_WARNING);
  let stop: (why: string, code: number) => void = () => {};
  let watch: IdleWatch | null = null;
  return runDaemon({
    home: plan.home,
    foreground: {
      attach(state, stopDaemon) {
        stop = stopDaemon;
        printLines(state.hub, state.registry, io, { json: plan.json, apps: plan.mode.kind === 'apps' });
        if (plan.mode.kind === 'apps') {
          watch = new IdleWatch(state, (summary) => {
            state.logger.error(`no app is left running (${summary}); exiting 1 so that the container is restarted`);
            stop('no app is left running', 1);
          });
        }
      },
      async ready(state) {
        try {
          // A taken address fails the start (exit 1): a pod whose probes cannot connect is useless.
          if (plan.metrics !== undefined) await state.metricsEndpoint.apply({ enabled: true, address: plan.metrics });
          if (plan.mode.kind === 'apps') await startApps(state, plan.mode.apps);
          else await resurrect(state);
          watch?.start();
        } catch (error) {
          if (state.shuttingDown) return; // a signal came while the apps started: that stop wins
          state.logger.error(`could not start the apps: ${(error as Error).message}`);
          stop('the apps could not be started', 1);
        }
      },
      force(state) {
        watch?.stop();
        killEverything(state);
      },
    },
  });
}

/**
 * Each app through the `start` handler, in this process: the same code (and the same checks of
 * the request) as `tsm start` over the socket, run as an operation of the app's owner. Going
 * through our own socket instead would add a connection and request deadlines, and nothing else.
 * `force`: an app of that name restored from a crashed daemon's list is replaced by this one.
 */
async function startApps(state: DaemonState, apps: readonly StartInput[]): Promise<void> {
  for (const input of apps) {
    const params: StartParams = { kind: 'script', input, force: true };
    checkParams('start', params);
    await handleStart(state, params);
  }
}

/** The systemd unit's start: the apps of the last `tsm save`; no save yet is not a failure. */
async function resurrect(state: DaemonState): Promise<void> {
  try {
    await handleResurrect(state);
  } catch (error) {
    if (!(error instanceof TsmError)) throw error;
    // The daemon keeps serving: `tsm start` and `tsm resurrect` work against it as ever.
    state.logger.warn(`no apps brought back: ${error.message}`);
  }
}

/** The second signal: SIGKILL to every app process and whatever it started. */
function killEverything(state: DaemonState): void {
  for (const entry of state.registry.all()) {
    const proc = entry.proc;
    if (!proc || proc.pid === undefined) continue;
    const tree = descendants(proc.pid);
    proc.signal('SIGKILL');
    signalAll(tree, 'SIGKILL');
  }
}
