import cluster, { type Worker } from 'node:cluster';
import { join } from 'node:path';
import type { Readable } from 'node:stream';
import { DRAIN_CMD, DRAINED_CMD, type DrainMessage } from '../../protocol/worker-messages.js';
import type { AppSpec } from '../../core/app-spec.js';
import type { SchedulingPolicy } from '../../core/cluster-scheduling.js';
import { RunningProcess } from './running-process.js';

/**
 * Cluster mode: the daemon is the node:cluster primary and each instance is a worker, so the
 * workers of an app share its port. How connections reach them is the daemon's scheduling
 * policy (setSchedulingPolicy below): by default the workers share the listening socket and
 * accept for themselves; with round-robin the daemon accepts and deals them out.
 *
 * `cluster.setupPrimary()` settings are global to the daemon, and one daemon runs many apps, so
 * the settings of this app are applied right before its fork, here and nowhere else.
 */
/** tsm's preload in every worker: it lets a reload drain the worker without losing a request. */
const PRELOAD = join(__dirname, '..', '..', 'worker', 'preload.js');

export class ClusterProcess extends RunningProcess {
  private readonly worker: Worker;

  constructor(spec: AppSpec, env: NodeJS.ProcessEnv) {
    super();
    cluster.setupPrimary({
      exec: spec.script,
      args: spec.args,
      execArgv: ['--require', PRELOAD, ...spec.nodeArgs],
      cwd: spec.cwd,
      silent: true, // stdout/stderr piped to the daemon, for the log files
    });
    this.worker = cluster.fork(env);
    this.worker.once('online', () => this.emit('up'));
    this.worker.on('listening', (address) =>
      this.emit('listening', { address: address.address ?? null, port: address.port }),
    );
    this.worker.on('message', (message) => this.emit('message', message));
    this.worker.process.on('internalMessage' as 'message', (message: unknown) => {
      if ((message as { cmd?: unknown } | null)?.cmd === DRAINED_CMD) this.emit('drained');
    });
    this.worker.on('error', () => {
      // IPC errors (a write to a closed channel) are not fatal; the exit event tells the outcome.
    });
    this.worker.process.on('error', (error) => {
      if (this.worker.process.pid === undefined) this.markExited({ code: null, signal: null, error: error.message });
    });
    this.worker.once('exit', (code, signal) => this.markExited({ code, signal }));
  }

  get pid(): number | undefined {
    return this.worker.process.pid;
  }

  get stdout(): Readable | null {
    return this.worker.process.stdout;
  }

  get stderr(): Readable | null {
    return this.worker.process.stderr;
  }

  signal(signal: string): void {
    if (this.hasExited) return;
    try {
      this.worker.process.kill(signal as NodeJS.Signals);
    } catch {
      // Already gone.
    }
  }

  drain(idleCloseMs: number): boolean {
    const message: DrainMessage = { cmd: DRAIN_CMD, idleCloseMs };
    return this.send(message);
  }

  send(message: unknown): boolean {
    if (!this.worker.isConnected()) return false;
    try {
      return this.worker.send(message as object);
    } catch {
      return false;
    }
  }
}

/**
 * The policy for every cluster app of this daemon, set once at its start. Node's cluster module
 * reads `cluster.schedulingPolicy` at the first `setupPrimary()` (the first worker of any app)
 * and ignores it afterwards, which is also why it cannot be chosen per app: every app's workers
 * are children of this one primary. `shared` is Node's SCHED_NONE: the primary binds the port
 * and sends the listening handle to each worker, which accepts on it; the kernel picks which
 * waiting worker gets a connection, and the daemon never touches one. A reload keeps working the
 * same way: the primary holds the bound socket while any worker listens, so connections queue
 * in the kernel, not in a closed worker, while one worker is replaced.
 */
export function setSchedulingPolicy(policy: SchedulingPolicy): void {
  // setupPrimary() fills cluster.settings: a worker was forked, the policy is frozen already.
  if (cluster.settings.exec !== undefined) {
    throw new Error('the cluster scheduling policy must be set before the first cluster worker is forked');
  }
  cluster.schedulingPolicy = policy === 'shared' ? cluster.SCHED_NONE : cluster.SCHED_RR;
}
