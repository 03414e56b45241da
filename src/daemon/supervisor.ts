import { basename, dirname, extname, join } from 'node:path';
import type { AppSpec } from '../core/app-spec.js';
import type { RestartReason } from '../protocol/process-info.js';
import type { LogFiles } from '../core/log-spec.js';
import { logFilesFor, logsPerInstance } from '../core/log-spec.js';
import { decideAfterExit } from '../core/restart-policy.js';
import { transition } from '../core/status.js';
import type { Logger } from './logger.js';
import type { LogSinks } from './logs/log-sinks.js';
import { captureOutput, type StreamName } from './logs/output-capture.js';
import { ProcessLogs } from './logs/process-logs.js';
import { checkpoint } from './owner/app-owner.js';
import { startTicksOf } from './process/kill-tree.js';
import { LeftoverSweeper } from './process/leftover-sweeper.js';
import { removePidFile, writePidFile } from './process/pid-file.js';
import type { ExitInfo, RunningProcess } from './process/running-process.js';
import type { SpawnProcess } from './process/spawn-process.js';
import { terminate } from './process/terminate.js';
import { TreeReads } from './process/tree-reads.js';
import type { ProcEntry, Registry } from './registry.js';

export interface SupervisorDeps {
  home: string;
  registry: Registry;
  logger: Logger;
  sinks: LogSinks;
  logsDir: string;
  spawnProcess: SpawnProcess;
  onLine: (entry: ProcEntry, stream: StreamName, line: string) => void;
  /** A process got a new pid (start or restart): the saved list records pids for crash recovery. */
  onSpawn: () => void;
  /** False once the daemon shuts down: from then on nothing is spawned. */
  accepting: () => boolean;
  /** Creates and opens an entry's log files, or throws a TsmError naming the file: before any spawn. */
  prepareLogs: (files: LogFiles, entry: ProcEntry) => Promise<void>;
  /** A crashed process's restart delay is over: its app's owner decides when it runs again. */
  requestRevive: (entry: ProcEntry) => void;
}

/**
 * Exits closer together than this share one search for leftovers (see LeftoverSweeper): a
 * search reads the stat of every process (~20 ms for ~180 processes on 2 loaded cores) and the
 * environment of the younger ones, so 100 ms apart keeps a burst of exits (`stop all`) to a fifth
 * of a core or so, and delays the end of a leftover by at most that much.
 */
const LEFTOVER_SPACING_MS = 100;

/**
 * The mechanics of one process at a time: spawn, stop, replace, and the restart policy's verdict
 * when a process exits on its own. It decides nothing about overlapping commands: callers are the
 * operations an app's owner runs one at a time (src/daemon/owner/). Two rules hold here whatever
 * the caller does:
 * - a process is spawned only for an entry that is in the registry, should run, and while the
 *   daemon accepts work, with its log files already open;
 * - every status change goes through `transition`; an exit while 'stopping' is a stop, any other
 *   exit is judged by the restart policy.
 */
export class Supervisor {
  /** Every process spawned and not yet exited, adopted or not: orphan searches spare them. */
  private readonly live = new Set<RunningProcess>();
  /** Per process: resolves once it has exited and what it left running has been signalled. */
  private readonly leftoversEnded = new WeakMap<RunningProcess, Promise<void>>();
  private readonly sweeper: LeftoverSweeper;
  private readonly trees = new TreeReads();

  constructor(private readonly deps: SupervisorDeps) {
    this.sweeper = new LeftoverSweeper({
      home: deps.home,
      live: () => [...this.live].flatMap((proc) => (proc.pid === undefined ? [] : [proc.pid])),
      found: (who, pids) => deps.logger.warn(`${who} left ${pids.length} process(es) behind (pids ${pids.join(', ')}); ending them`),
      failed: (error) => deps.logger.error('the search for processes that exited apps left behind failed', error),
      spacingMs: LEFTOVER_SPACING_MS,
    });
  }

  /** Registers the processes of an app, stopped; `launch` runs them. Instances count from `first`. */
  createEntries(spec: AppSpec, ids: readonly number[], first = 0): ProcEntry[] {
    return ids.map((id, index) => {
      const entry = this.createEntry(spec, id, first + index);
      this.deps.registry.add(entry);
      return entry;
    });
  }

  /**
   * Spawns the entry's process; resolves once it is up, or has already exited. Throws when its
   * log files cannot be opened (nothing is spawned then) or when `signal` says the operation was
   * cancelled; does nothing for an entry that may not run (deleted, stopped, daemon shutting down).
   */
  async launch(entry: ProcEntry, signal?: AbortSignal): Promise<void> {
    if (!this.mayRun(entry)) return;
    // 'launching' from now, so a list taken while the files open does not show a new app stopped.
    entry.status = transition(entry.status, 'spawn');
    try {
      await this.deps.prepareLogs(entry.logs, entry);
    } catch (error) {
      entry.status = transition(entry.status, 'give-up');
      entry.lastExit = { code: null, signal: null, at: Date.now(), error: (error as Error).message };
      throw error;
    }
    if (entry.status !== 'launching') return; // stopped while the files opened
    if (signal?.aborted || !this.mayRun(entry)) {
      // Cancelled, deleted, stopped or shutting down while the files opened: nothing is spawned.
      entry.status = transition(entry.status, 'abandon');
      if (signal) checkpoint(signal);
      return;
    }
    let proc: RunningProcess;
    try {
      proc = this.spawn(entry, entry.spec);
    } catch (error) {
      // spawn() throws synchronously only on arguments it cannot use; nothing was started.
      entry.status = transition(entry.status, 'give-up');
      entry.lastExit = { code: null, signal: null, at: Date.now(), error: (error as Error).message };
      this.deps.logger.error(`${label(entry)} could not be started`, error);
      return;
    }
    this.attach(entry, proc);
    proc.once('up', () => {
      if (entry.proc === proc && entry.status === 'launching') entry.status = transition(entry.status, 'up');
    });
    await new Promise<void>((resolve) => {
      proc.once('up', () => resolve());
      proc.once('exit', () => resolve());
    });
  }

  /** Starts a process that is not running, counting afresh towards the crash-loop limit. */
  async start(entry: ProcEntry, signal?: AbortSignal): Promise<void> {
    if (entry.status === 'launching' || entry.status === 'online' || entry.status === 'stopping') return;
    this.clearTimer(entry);
    entry.desired = 'running';
    entry.unstableRestarts = 0;
    entry.backoff = 0;
    await this.launch(entry, signal);
  }

  /** The restart policy's restart, once its delay is over: only if the process still waits for it. */
  async revive(entry: ProcEntry): Promise<void> {
    if (entry.status !== 'waiting-restart' || entry.restartTimer !== null) return;
    entry.restarts += 1;
    entry.restartCause = { kind: 'crash', cause: entry.lastExit ? `crash (${describeExit(entry.lastExit)})` : 'crash', at: Date.now() };
    try {
      await this.launch(entry);
    } catch (error) {
      // Its log files cannot be opened now: errored, with the reason, until someone starts it.
      this.deps.logger.error(`${label(entry)} could not be restarted: ${(error as Error).message}`);
    }
  }

  /** Stops the process; `remember: false` (daemon shutdown) keeps the wish that it should run. */
  async stop(entry: ProcEntry, remember = true): Promise<void> {
    if (remember) entry.desired = 'stopped';
    this.clearTimer(entry);
    // A process of it that exited (a crash) may still wait for its leftovers to be searched for:
    // a stop (and the daemon's shutdown, which stops every app) answers only after.
    this.sweeper.searchNow(entry.id);
    const proc = entry.proc;
    if (entry.status === 'stopping' && proc) {
      await proc.exited;
      await this.leftoversEnded.get(proc);
      return;
    }
    if (!proc && entry.status === 'launching') {
      entry.status = transition(entry.status, 'abandon'); // its files were still opening
      return;
    }
    if (!proc || (entry.status !== 'launching' && entry.status !== 'online')) {
      entry.status = transition(entry.status, 'halt');
      return;
    }
    entry.status = transition(entry.status, 'stop');
    const info = await terminate(proc, entry.spec, (pid) => this.trees.descendantsOf(pid));
    // A stop is done once what the process left running (outside its tree) is signalled too.
    await this.leftoversEnded.get(proc);
    this.deps.logger.info(`stopped ${label(entry)} (${describeExit(info)})`);
  }

  /** Stops the process and forgets the entry: after this, nothing can spawn for it again. */
  async remove(entry: ProcEntry): Promise<void> {
    await this.stop(entry);
    this.deps.registry.remove(entry.id, entry);
  }

  /**
   * A new process for an entry that keeps its current one for now: a reload's replacement. It
   * writes to the entry's logs at once, but exits are not the entry's business until `adopt`.
   */
  spawnReplacement(entry: ProcEntry, spec: AppSpec): RunningProcess {
    return this.spawn(entry, spec);
  }

  /** The replacement becomes the entry's process; the old one is the caller's to retire. */
  adopt(entry: ProcEntry, proc: RunningProcess, spec: AppSpec, reason: RestartReason): void {
    entry.spec = spec;
    entry.restarts += 1;
    entry.restartCause = { ...reason, at: Date.now() };
    entry.unstableRestarts = 0;
    entry.backoff = 0;
    this.attach(entry, proc);
  }

  /** True while a process of the entry may be spawned. */
  mayRun(entry: ProcEntry): boolean {
    return this.deps.accepting() && entry.desired === 'running' && this.deps.registry.get(entry.id) === entry;
  }

  private createEntry(spec: AppSpec, id: number, instance: number): ProcEntry {
    const logs = logFilesFor(spec.name, spec.logs, this.deps.logsDir, logsPerInstance(spec), id);
    return {
      id,
      spec,
      instance,
      status: 'stopped',
      desired: 'running',
      proc: null,
      restarts: 0,
      unstableRestarts: 0,
      backoff: 0,
      createdAt: Date.now(),
      startedAt: null,
      lastExit: null,
      restartTimer: null,
      sample: null,
      logs,
      restartCause: null,
      env: null,
      pidFile: spec.pidFile === null ? null : pidFileFor(spec.pidFile, spec.instances > 1 ? id : undefined),
    };
  }

  /** Creates the OS process with the entry's identity and captures its output. */
  private spawn(entry: ProcEntry, spec: AppSpec): RunningProcess {
    // What its predecessor left is ended first: what this process starts carries the same id.
    this.sweeper.searchNow(entry.id);
    const env = environmentOf(spec, entry, this.deps.home);
    const proc = this.deps.spawnProcess(spec, env);
    entry.env = env;
    this.live.add(proc);
    const pidFile = entry.pidFile;
    if (pidFile !== null && proc.pid !== undefined) {
      const pid = proc.pid;
      writePidFile(pidFile, pid).catch((error: unknown) => this.deps.logger.warn(`${label(entry)}: pid file ${pidFile}: ${(error as Error).message}`));
      void proc.exited.then(() => removePidFile(pidFile, pid));
    }
    const logs = new ProcessLogs(entry, this.deps.sinks, (stream, line) => this.deps.onLine(entry, stream, line));
    captureOutput(proc, logs);
    // Read now, while it surely runs: the search for its leftovers reads only younger processes.
    const bornSince = proc.pid === undefined ? 0 : (startTicksOf(proc.pid) ?? 0);
    const ended = proc.exited.then(() => {
      this.live.delete(proc);
      // The files stay open only while this process lives (after its last lines are written).
      setImmediate(() => logs.release());
      // What it left running (children re-parented at its exit) is ended too.
      const rules = { killSignal: spec.killSignal, killTimeout: spec.killTimeout, label: label(entry), bornSince };
      return this.sweeper.afterExit(entry.id, rules);
    });
    this.leftoversEnded.set(proc, ended);
    return proc;
  }

  /** Makes `proc` the entry's process: from now on its exit is judged by the restart policy. */
  private attach(entry: ProcEntry, proc: RunningProcess): void {
    entry.proc = proc;
    entry.startedAt = Date.now();
    // No pid: the spawn failed, and the exit that follows says why.
    if (proc.pid !== undefined) {
      const restart = entry.restarts > 0 ? `, restart ${entry.restarts}` : '';
      this.deps.logger.info(`${label(entry)} running as pid ${proc.pid}${restart}`);
    }
    proc.once('exit', (info) => this.onExit(entry, proc, info));
    this.deps.onSpawn();
  }

  private onExit(entry: ProcEntry, proc: RunningProcess, info: ExitInfo): void {
    if (entry.proc !== proc) return;
    const now = Date.now();
    const uptimeMs = now - (entry.startedAt ?? now);
    entry.proc = null;
    entry.startedAt = null;
    entry.lastExit = { code: info.code, signal: info.signal, at: now, ...(info.error ? { error: info.error } : {}) };
    if (entry.status === 'stopping') {
      entry.status = transition(entry.status, 'exited');
      return;
    }
    if (info.error) {
      // The process never ran (interpreter missing, script not executable): retrying cannot help.
      entry.status = transition(entry.status, 'give-up');
      this.deps.logger.error(`${label(entry)} could not be started: ${info.error}`);
      return;
    }
    const decision = decideAfterExit(entry.spec, {
      code: info.code,
      signal: info.signal,
      uptimeMs,
      unstableRestarts: entry.unstableRestarts,
      previousBackoff: entry.backoff,
    });
    const what = `${label(entry)} exited (${describeExit(info)}) after ${uptimeMs} ms`;
    if (decision.action === 'restart') {
      entry.status = transition(entry.status, 'crash');
      entry.unstableRestarts = decision.unstableRestarts;
      entry.backoff = decision.backoff;
      this.deps.logger.warn(`${what}; restarting in ${decision.delayMs} ms`);
      entry.restartTimer = setTimeout(() => {
        entry.restartTimer = null;
        this.deps.requestRevive(entry);
      }, decision.delayMs);
    } else if (decision.action === 'done') {
      entry.status = transition(entry.status, 'done');
      // It ended as it meant to: a daemon restored after a crash must not run it again.
      entry.desired = 'stopped';
      this.deps.logger.info(`${what}; not restarted (a stop exit code, or autorestart is off)`);
    } else {
      entry.status = transition(entry.status, 'give-up');
      this.deps.logger.error(`${what}; errored: ${decision.reason}`);
    }
  }

  private clearTimer(entry: ProcEntry): void {
    if (entry.restartTimer) clearTimeout(entry.restartTimer);
    entry.restartTimer = null;
  }
}

/**
 * What an app process gets: the environment of the CLI that started the app (with the app's
 * own), then what PM2 gives apps and apps read: its instance number (in instance_var), its id
 * (pm_id), its name, and increment_var counted up per instance (PORT=3000 gives 3000, 3001...).
 */
function environmentOf(spec: AppSpec, entry: ProcEntry, home: string): Record<string, string> {
  const env: Record<string, string> = { ...spec.env };
  if (spec.incrementVar !== null) {
    const base = Number.parseInt(env[spec.incrementVar] ?? '0', 10);
    env[spec.incrementVar] = String((Number.isNaN(base) ? 0 : base) + entry.instance);
  }
  env[spec.instanceVar] = String(entry.instance);
  env['pm_id'] = String(entry.id);
  env['name'] = spec.name;
  env['TSM_APP_NAME'] = spec.name;
  // With pm_id, how the app's leftovers are found (process/orphans.ts); a `tsm` the app runs
  // talks to this daemon.
  env['TSM_HOME'] = home;
  return env;
}

/** One file per process when an app has several: `<file>-<id>` before the extension, as logs. */
function pidFileFor(path: string, id: number | undefined): string {
  if (id === undefined) return path;
  const ext = extname(path);
  return join(dirname(path), `${basename(path, ext)}-${id}${ext}`);
}

function label(entry: ProcEntry): string {
  return `${entry.spec.name} (id ${entry.id})`;
}

export function describeExit(info: ExitInfo): string {
  if (info.error) return `could not be started: ${info.error}`;
  if (info.signal) return `signal ${info.signal}`;
  if (info.code === null) return 'could not be started';
  return `code ${info.code}`;
}
