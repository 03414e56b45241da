import { spawn, type ChildProcess } from 'node:child_process';
import { join } from 'node:path';
import { FIXTURES, ROOT, type TestHome } from './tsm.js';
import { waitFor } from './wait.js';

export const RUNTIME_BIN = join(ROOT, 'bin', 'tsm-runtime.js');

/**
 * A tsm-runtime started by a test, in the test's home: its output gathered, its exit awaited.
 * `command` replaces `node bin/tsm-runtime.js` in front (unshare, for PID 1).
 */
export class RuntimeRun {
  readonly child: ChildProcess;
  stdout = '';
  stderr = '';
  readonly exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;

  constructor(home: TestHome, args: string[], options: { env?: Record<string, string>; prefix?: string[]; cwd?: string } = {}) {
    const prefix = options.prefix ?? [];
    const argv = [...prefix, process.execPath, RUNTIME_BIN, ...args];
    this.child = spawn(argv[0]!, argv.slice(1), { cwd: options.cwd ?? FIXTURES, env: home.env(options.env), stdio: ['ignore', 'pipe', 'pipe'] });
    this.child.stdout!.setEncoding('utf8').on('data', (text: string) => (this.stdout += text));
    this.child.stderr!.setEncoding('utf8').on('data', (text: string) => (this.stderr += text));
    this.exited = new Promise((resolve) => this.child.once('exit', (code, signal) => resolve({ code, signal })));
  }

  /** Waits for `pattern` in stdout or stderr (as named), with the output in the failure. */
  async waitOutput(stream: 'stdout' | 'stderr', pattern: RegExp, timeoutMs = 15_000): Promise<RegExpExecArray> {
    try {
      return await waitFor(`${pattern} in tsm-runtime's ${stream}`, () => pattern.exec(this[stream]), { timeoutMs });
    } catch (error) {
      throw new Error(`${(error as Error).message}\nstdout: ${this.stdout}\nstderr: ${this.stderr}`);
    }
  }

  /** The exit, within a deadline (a runtime that does not exit is a failure, not a hang). */
  async exit(timeoutMs = 20_000): Promise<{ code: number | null; signal: NodeJS.Signals | null }> {
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<never>((_, reject) => {
      timer = setTimeout(() => reject(new Error(`tsm-runtime did not exit within ${timeoutMs} ms\nstdout: ${this.stdout}\nstderr: ${this.stderr}`)), timeoutMs);
    });
    try {
      return await Promise.race([this.exited, timeout]);
    } finally {
      clearTimeout(timer);
    }
  }
}
