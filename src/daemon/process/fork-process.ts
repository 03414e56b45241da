import { spawn, type ChildProcess } from 'node:child_process';
import type { Readable } from 'node:stream';
import { isNodeInterpreter, type AppSpec } from '../../core/app-spec.js';
import { RunningProcess } from './running-process.js';

/**
 * Fork mode: one child process per instance, any interpreter. The child leads its own process
 * group (detached), so a stop reaches what a shell script started too, and the daemon's own
 * signals never reach the apps.
 */
export class ForkProcess extends RunningProcess {
  private readonly child: ChildProcess;

  constructor(spec: AppSpec, env: NodeJS.ProcessEnv) {
    super();
    const [command, args] = commandLine(spec);
    const node = spec.interpreter !== 'none' && isNodeInterpreter(spec.interpreter);
    this.child = spawn(command, args, {
      cwd: spec.cwd,
      env,
      detached: true,
      // Node apps get an IPC channel for process.send('ready') and the 'shutdown' message.
      stdio: node ? ['ignore', 'pipe', 'pipe', 'ipc'] : ['ignore', 'pipe', 'pipe'],
    });
    this.child.once('spawn', () => this.emit('up'));
    this.child.on('message', (message) => this.emit('message', message));
    // A failed spawn (interpreter not found, not executable) emits 'error' and maybe no 'exit'.
    this.child.on('error', (error) => {
      if (this.child.pid === undefined) this.markExited({ code: null, signal: null, error: `${command}: ${error.message}` });
    });
    this.child.once('exit', (code, signal) => this.markExited({ code, signal }));
  }

  get pid(): number | undefined {
    return this.child.pid;
  }

  get stdout(): Readable | null {
    return this.child.stdout;
  }

  get stderr(): Readable | null {
    return this.child.stderr;
  }

  signal(signal: string): void {
    const pid = this.child.pid;
    if (pid === undefined || this.hasExited) return;
    try {
      process.kill(-pid, signal as NodeJS.Signals);
    } catch {
      this.child.kill(signal as NodeJS.Signals);
    }
  }

  /** A fork child owns its port alone: there is no rotation to leave. */
  drain(): boolean {
    return false;
  }

  send(message: unknown): boolean {
    if (!this.child.connected) return false;
    try {
      return this.child.send(message as object);
    } catch {
      return false;
    }
  }
}

function commandLine(spec: AppSpec): [string, string[]] {
  if (spec.interpreter === 'none') return [spec.script, spec.args];
  if (isNodeInterpreter(spec.interpreter)) {
    // The daemon's own Node, unless the user named another binary.
    const node = spec.interpreter === 'node' || spec.interpreter === 'nodejs' ? process.execPath : spec.interpreter;
    return [node, [...spec.nodeArgs, spec.script, ...spec.args]];
  }
  return [spec.interpreter, [...spec.nodeArgs, spec.script, ...spec.args]];
}
