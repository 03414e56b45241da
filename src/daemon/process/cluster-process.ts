import cluster, { type Worker } from 'node:cluster';
import { join } from 'node:path';
import type { Readable } from 'node:stream';
import { DRAIN_CMD, DRAINED_CMD, type DrainMessage } from '../../protocol/worker-messages.js';
import type { AppSpec } from '../../core/app-spec.js';
import { RunningProcess } from './running-process.js';

/**
 * Cluster mode: the daemon is the node:cluster primary and each instance is a worker, so the
 * workers of an app share its port (round-robin, accepted by the primary).
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
