import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Readable } from 'node:stream';
import { buildAppSpec, type AppSpec, type StartInput } from '../../src/core/app-spec.js';
import { homePaths } from '../../src/core/paths.js';
import { EventHub } from '../../src/daemon/event-hub.js';
import type { RequestContext } from '../../src/daemon/handlers/context.js';
import { Logger } from '../../src/daemon/logger.js';
import { RunningProcess } from '../../src/daemon/process/running-process.js';
import type { DaemonState } from '../../src/daemon/state.js';
import { buildDaemonState } from '../../src/daemon/build-state.js';
import { waitFor } from './wait.js';

/** Above Linux's largest pid_max (2^22): a signal to one of these can never reach a real process. */
let nextFakePid = 5_000_000;

export interface FakeBehaviour {
  /** How long the process takes to exit after its kill signal (SIGKILL is immediate). */
  stopDelayMs: number;
  /** Cluster fakes report 'listening' this long after they are up; null: never. */
  listenAfterMs: number | null;
}

/**
 * A process that exists only in memory: it comes up on the next turn, exits some time after a
 * signal, and can be crashed at will. It lets the ordering rules of an app's owner be tested in
 * milliseconds, with the real supervisor, registry, owners and handlers around it.
 */
export class FakeProcess extends RunningProcess {
  readonly pid = nextFakePid++;
  readonly stdout: Readable | null = null;
  readonly stderr: Readable | null = null;
  private stopTimer: NodeJS.Timeout | null = null;

  constructor(
    readonly spec: AppSpec,
    readonly env: NodeJS.ProcessEnv,
    private readonly behaviour: FakeBehaviour,
  ) {
    super();
    setImmediate(() => {
      if (this.hasExited) return;
      this.emit('up');
      const after = behaviour.listenAfterMs;
      if (spec.execMode === 'cluster' && after !== null) {
        setTimeout(() => !this.hasExited && this.emit('listening', { address: '127.0.0.1', port: 1 }), after);
      }
    });
  }

  signal(signal: string): void {
    if (this.hasExited) return;
    if (signal === 'SIGKILL') {
      this.exit({ code: null, signal });
      return;
    }
    this.stopTimer ??= setTimeout(() => this.exit({ code: null, signal }), this.behaviour.stopDelayMs);
  }

  send(): boolean {
    return false;
  }

  drain(): boolean {
    return false;
  }

  crash(code = 1): void {
    this.exit({ code, signal: null });
  }

  private exit(info: { code: number | null; signal: string | null }): void {
    if (this.stopTimer) clearTimeout(this.stopTimer);
    this.markExited(info);
  }
}

export interface FakeDaemon {
  state: DaemonState;
  /** Every fake process spawned, in order. */
  spawned: FakeProcess[];
  behaviour: FakeBehaviour;
  ctx: RequestContext;
  log: string[];
  spec(input?: Partial<StartInput>): AppSpec;
  /** The fakes that have not exited. */
  alive(): FakeProcess[];
  /** Waits for the operations and saves under way (they write into the home), then removes it. */
  dispose(): Promise<void>;
}

/**
 * A real DaemonState (registry, supervisor, owners, store in a temporary folder) whose processes
 * are fakes, for calling the real handlers without a socket.
 */
export function fakeDaemon(): FakeDaemon {
  const home = mkdtempSync(join(tmpdir(), 'tsm-fake-'));
  const paths = homePaths(home);
  const log: string[] = [];
  const spawned: FakeProcess[] = [];
  const behaviour: FakeBehaviour = { stopDelayMs: 5, listenAfterMs: 5 };
  const { state, triggers } = buildDaemonState({
    paths,
    logger: new Logger({ write: (text: string) => log.push(text) }),
    hub: new EventHub(),
    logFile: { reopen: () => {} },
    logMode: 0o600,
    sampleCadence: { fastMs: 60_000, slowMs: 60_000 }, // never due: tests set samples themselves
    spawnProcess: (spec, env) => {
      const proc = new FakeProcess(spec, env, behaviour);
      spawned.push(proc);
      return proc;
    },
    requestShutdown: () => {},
  });
  const ctx: RequestContext = { emit: () => {}, onClose: () => {}, pendingBytes: () => 0 };
  return {
    state,
    spawned,
    behaviour,
    ctx,
    log,
    spec: (input = {}) =>
      buildAppSpec({ script: join(__dirname, '..', 'fixtures', 'idle.js'), name: 'web', killTimeout: 1000, logs: { out: 'NULL', err: 'NULL' }, ...input }, 2),
    alive: () => spawned.filter((proc) => !proc.hasExited),
    dispose: async () => {
      triggers.closeAll();
      await waitFor('the operations under way to end', () => state.owners.busy().length === 0);
      // Saves are chained: this one lands after every save made before it.
      await state.store.save(state.registry.all(), true).catch(() => {});
      rmSync(home, { recursive: true, force: true });
    },
  };
}
