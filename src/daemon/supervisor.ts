import type { AppSpec } from '../core/app-spec.js';
import { logFilesFor } from '../core/log-spec.js';
import { decideAfterExit } from '../core/restart-policy.js';
import { transition } from '../core/status.js';
import type { Logger } from './logger.js';
import type { LogSinks } from './logs/log-sinks.js';
import { captureOutput, type StreamName } from './logs/output-capture.js';
import { ProcessLogs } from './logs/process-logs.js';
import { ClusterProcess } from './process/cluster-process.js';
import { ForkProcess } from './process/fork-process.js';
import type { ExitInfo, RunningProcess } from './process/running-process.js';
import { terminate } from './process/terminate.js';
import type { ProcEntry, Registry } from './registry.js';

export interface SupervisorDeps {
  registry: Registry;
  logger: Logger;
  sinks: LogSinks;
  logsDir: string;
  onLine: (entry: ProcEntry, stream: StreamName, line: string) => void;
  /** A process got a new pid (start or restart): the saved list records pids for crash recovery. */
  onSpawn: () => void;
}

/**
 * Starts, stops and restarts processes, and applies the restart policy when one exits on its
 * own. Every status change goes through `transition`; every exit goes through `onExit`, which
 * tells a deliberate stop (status 'stopping') from a crash by the status alone.
 */
export class Supervisor {
  constructor(private readonly deps: SupervisorDeps) {}

  /** Creates the processes of a new app and starts them; resolves when each is up or gone. */
  async startApp(spec: AppSpec, ids?: readonly number[]): Promise<ProcEntry[]> {
    const entries: ProcEntry[] = [];
    for (let instance = 0; instance < spec.instances; instance += 1) {
      const id = ids?.[instance] ?? this.deps.registry.allocateId();
      const entry = this.createEntry(spec, id, instance);
      this.deps.registry.add(entry);
      entries.push(entry);
    }
    this.deps.logger.info(`start ${spec.name}: ${spec.instances} ${spec.execMode} process(es) of ${spec.script}`);
    await Promise.all(entries.map((entry) => this.launch(entry)));
    return entries;
  }

  /** Registers an app's processes without starting them (a saved app that was stopped). */
  addStopped(spec: AppSpec, ids: readonly number[]): ProcEntry[] {
    return ids.map((id, instance) => {
      const entry = this.createEntry(spec, id, instance);
      entry.desired = 'stopped';
      this.deps.registry.add(entry);
      return entry;
    });
  }

  async start(entry: ProcEntry): Promise<void> {
    if (entry.status === 'launching' || entry.status === 'online' || entry.status === 'stopping') return;
    this.clearTimer(entry);
    entry.unstableRestarts = 0;
    entry.backoff = 0;
    await this.launch(entry);
  }

  /** Stops the process; `remember: false` (daemon shutdown) keeps the wish that it should run. */
  async stop(entry: ProcEntry, remember = true): Promise<void> {
    if (remember) entry.desired = 'stopped';
    this.clearTimer(entry);
    const proc = entry.proc;
    if (entry.status === 'stopping' && proc) {
      await proc.exited;
      return;
    }
    if (!proc || (entry.status !== 'launching' && entry.status !== 'online')) {
      entry.status = transition(entry.status, 'halt');
      return;
    }
    entry.status = transition(entry.status, 'stop');
    const info = await terminate(proc, entry.spec);
    this.deps.logger.info(`stopped ${label(entry)} (${describeExit(info)})`);
  }

  async remove(entry: ProcEntry): Promise<void> {
    await this.stop(entry);
    this.deps.registry.remove(entry.id);
  }

  private createEntry(spec: AppSpec, id: number, instance: number): ProcEntry {
    const logs = logFilesFor(spec.name, spec.logs, this.deps.logsDir, spec.execMode === 'cluster', id);
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
    };
  }

  /** Spawns the entry's process; resolves once it is up, or has already exited. */
  private launch(entry: ProcEntry): Promise<void> {
    entry.status = transition(entry.status, 'spawn');
    entry.desired = 'running';
    let proc: RunningProcess;
    try {
      proc = this.spawn(entry, entry.spec);
    } catch (error) {
      // spawn() throws synchronously only on arguments it cannot use; nothing was started.
      entry.status = transition(entry.status, 'give-up');
      entry.lastExit = { code: null, signal: null, at: Date.now(), error: (error as Error).message };
      this.deps.logger.error(`${label(entry)} could not be started`, error);
      return Promise.resolve();
    }
    this.attach(entry, proc);
    proc.once('up', () => {
      if (entry.proc === proc && entry.status === 'launching') entry.status = transition(entry.status, 'up');
    });
    return new Promise((resolve) => {
      proc.once('up', () => resolve());
      proc.once('exit', () => resolve());
    });
  }

  /**
   * A new process for an entry that keeps its current one for now: a reload's replacement. It
   * writes to the entry's logs at once, but exits are not the entry's business until `adopt`.
   */
  spawnReplacement(entry: ProcEntry, spec: AppSpec): RunningProcess {
    return this.spawn(entry, spec);
  }

  /** The replacement becomes the entry's process; the old one is the caller's to retire. */
  adopt(entry: ProcEntry, proc: RunningProcess, spec: AppSpec): void {
    entry.spec = spec;
    entry.restarts += 1;
    entry.unstableRestarts = 0;
    entry.backoff = 0;
    this.attach(entry, proc);
  }

  /** Creates the OS process with the entry's identity and captures its output. */
  private spawn(entry: ProcEntry, spec: AppSpec): RunningProcess {
    const env = {
      ...spec.env,
      NODE_APP_INSTANCE: String(entry.instance),
      pm_id: String(entry.id), // PM2's name, read by apps written for it
      TSM_APP_NAME: spec.name,
    };
    const proc = spec.execMode === 'cluster' ? new ClusterProcess(spec, env) : new ForkProcess(spec, env);
    const logs = new ProcessLogs(entry, this.deps.sinks, (stream, line) => this.deps.onLine(entry, stream, line));
    captureOutput(proc, logs);
    // The files stay open only while this process lives (after its last lines are written).
    void proc.exited.then(() => setImmediate(() => logs.release()));
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
        entry.restarts += 1;
        void this.launch(entry);
      }, decision.delayMs);
    } else if (decision.action === 'done') {
      entry.status = transition(entry.status, 'done');
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

function label(entry: ProcEntry): string {
  return `${entry.spec.name} (id ${entry.id})`;
}

export function describeExit(info: ExitInfo): string {
  if (info.error) return `could not be started: ${info.error}`;
  if (info.signal) return `signal ${info.signal}`;
  if (info.code === null) return 'could not be started';
  return `code ${info.code}`;
}
