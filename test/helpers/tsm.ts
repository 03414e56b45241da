import { execFile } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { homePaths, type HomePaths } from '../../src/core/paths.js';
import type { ProcessInfo } from '../../src/protocol/process-info.js';
import { commandLineOf, isAlive, processesOfHome } from './procs.js';
import { waitFor } from './wait.js';

export const ROOT = resolve(__dirname, '..', '..');
export const BIN = join(ROOT, 'bin', 'tsm.js');
export const FIXTURES = join(ROOT, 'test', 'fixtures');

export interface RunResult {
  code: number;
  stdout: string;
  stderr: string;
}

/**
 * A temporary TSM_HOME with a CLI runner bound to it. `cleanup()` runs `tsm kill`, then checks by
 * pid that no process of this home is left; a leftover is killed and reported as a failure.
 */
export class TestHome {
  readonly home: string;
  readonly paths: HomePaths;

  constructor() {
    // Short, under the OS temp dir: the socket path must stay under the unix limit.
    this.home = mkdtempSync(join(tmpdir(), 'tsm-'));
    this.paths = homePaths(this.home);
  }

  env(extra: Record<string, string> = {}): NodeJS.ProcessEnv {
    const env: NodeJS.ProcessEnv = { ...process.env, TSM_HOME: this.home, ...extra };
    delete env['FORCE_COLOR'];
    delete env['NODE_OPTIONS'];
    // Machine-wide CA bundles make every Node start ~130 ms slower; tests do not use TLS.
    delete env['NODE_EXTRA_CA_CERTS'];
    return env;
  }

  run(args: string[], options: { cwd?: string; env?: Record<string, string>; timeoutMs?: number } = {}): Promise<RunResult> {
    return new Promise((resolveRun) => {
      execFile(
        process.execPath,
        [BIN, ...args],
        { cwd: options.cwd ?? FIXTURES, env: this.env(options.env), timeout: options.timeoutMs ?? 60_000 },
        (error, stdout, stderr) => {
          const code = error ? (typeof error.code === 'number' ? error.code : 1) : 0;
          resolveRun({ code, stdout, stderr });
        },
      );
    });
  }

  /** Runs a command that must succeed; its output is in the error if it does not. */
  async ok(args: string[], options: { cwd?: string; env?: Record<string, string> } = {}): Promise<RunResult> {
    const result = await this.run(args, options);
    if (result.code !== 0) {
      throw new Error(`tsm ${args.join(' ')} exited ${result.code}\nstdout: ${result.stdout}\nstderr: ${result.stderr}`);
    }
    return result;
  }

  async list(): Promise<ProcessInfo[]> {
    return JSON.parse((await this.ok(['list', '--json'])).stdout) as ProcessInfo[];
  }

  async byName(name: string): Promise<ProcessInfo[]> {
    return (await this.list()).filter((p) => p.name === name);
  }

  async daemonPid(): Promise<number> {
    return (JSON.parse((await this.ok(['ping', '--json'])).stdout) as { pid: number }).pid;
  }

  async cleanup(): Promise<void> {
    const killed = await this.run(['kill'], { timeoutMs: 30_000 });
    let leftovers: number[] = [];
    try {
      await waitFor('every process of the home to exit', () => {
        leftovers = processesOfHome(this.home);
        return leftovers.length === 0;
      });
    } catch (error) {
      // Say what was left and why, so that a failure seen once in CI can be understood from its log.
      throw new Error(`${(error as Error).message}\n${this.leftoverReport(leftovers, killed)}`);
    } finally {
      for (const pid of leftovers) if (isAlive(pid)) process.kill(pid, 'SIGKILL');
      rmSync(this.home, { recursive: true, force: true });
    }
  }

  private leftoverReport(leftovers: number[], killed: RunResult): string {
    const lines = leftovers.map((pid) => `  left: pid ${pid} ${commandLineOf(pid)}`);
    lines.push(`  tsm kill exited ${killed.code}: ${(killed.stdout + killed.stderr).trim()}`);
    const log = existsSync(this.paths.daemonLog) ? readFileSync(this.paths.daemonLog, 'utf8') : '(no daemon log)';
    lines.push('  daemon log (last 20 lines):', ...log.trimEnd().split('\n').slice(-20).map((line) => `    ${line}`));
    return lines.join('\n');
  }
}
