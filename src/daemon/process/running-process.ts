import { EventEmitter } from 'node:events';
import type { Readable } from 'node:stream';

export interface ExitInfo {
  code: number | null;
  signal: string | null;
  /** Set when the process could not be started at all (the spawn failed). */
  error?: string;
}

export interface RunningProcessEvents {
  up: [];
  listening: [address: { address: string | null; port: number }];
  message: [message: unknown];
  /** The worker has left the rotation and its connections are done (cluster workers only). */
  drained: [];
  exit: [info: ExitInfo];
}

/**
 * One OS process, whether a fork child or a cluster worker: the supervisor sees only this, so
 * restart policy, stop and output capture are written once for both modes.
 */
export abstract class RunningProcess extends EventEmitter<RunningProcessEvents> {
  abstract readonly pid: number | undefined;
  abstract readonly stdout: Readable | null;
  abstract readonly stderr: Readable | null;
  /** Resolves when the process has exited; never rejects (a failed spawn is an exit too). */
  readonly exited: Promise<ExitInfo>;
  private exitInfo: ExitInfo | null = null;
  private resolveExit!: (info: ExitInfo) => void;

  constructor() {
    super();
    this.exited = new Promise((resolve) => {
      this.resolveExit = resolve;
    });
  }

  get hasExited(): boolean {
    return this.exitInfo !== null;
  }

  /** Sends a signal to the process (a fork child: to its whole process group). */
  abstract signal(signal: string): void;
  /** Sends a message over IPC; false when there is no channel. */
  abstract send(message: unknown): boolean;
  /** Asks the process to leave the rotation and finish its connections; false if it cannot. */
  abstract drain(idleCloseMs: number): boolean;

  /** Subclasses report the exit here, once, however many ways the OS tells them. */
  protected markExited(info: ExitInfo): void {
    if (this.exitInfo) return;
    this.exitInfo = info;
    this.resolveExit(info);
    this.emit('exit', info);
  }
}
