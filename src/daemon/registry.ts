import type { AppSpec } from '../core/app-spec.js';
import { TsmError } from '../core/errors.js';
import type { LogFiles } from '../core/log-spec.js';
import type { Status } from '../core/status.js';
import type { ProcessInfo, RestartReason } from '../protocol/process-info.js';
import type { RunningProcess } from './process/running-process.js';

/** tsm's own record of one supervised process; Node's Worker/ChildProcess objects hold none of it. */
export interface ProcEntry {
  id: number;
  spec: AppSpec; // shared by the instances of one app
  instance: number;
  status: Status;
  /** What the user last asked for: restored after a daemon crash. */
  desired: 'running' | 'stopped';
  proc: RunningProcess | null;
  restarts: number;
  unstableRestarts: number;
  backoff: number;
  createdAt: number;
  startedAt: number | null;
  lastExit: ProcessInfo['lastExit'];
  restartTimer: NodeJS.Timeout | null;
  sample: { cpu: number; memory: number } | null;
  logs: LogFiles;
  /** Why the process last restarted (a crash, a command, the memory limit, a file change...). */
  restartCause: (RestartReason & { at: number }) | null;
  /** The environment its current (or last) process got, for `tsm env`. */
  env: Record<string, string> | null;
  /** Where its pid is written while it runs (the app's pid_file), or null. */
  pidFile: string | null;
}

/** The processes the daemon supervises, by id, and the lookup of command-line targets. */
export class Registry {
  private readonly entries = new Map<number, ProcEntry>();
  private nextId = 0;

  all(): ProcEntry[] {
    return [...this.entries.values()];
  }

  allocateId(): number {
    return this.nextId++;
  }

  /** Used when restoring saved apps, so ids stay what users and their scripts know. */
  reserveId(id: number): void {
    this.nextId = Math.max(this.nextId, id + 1);
  }

  add(entry: ProcEntry): void {
    this.entries.set(entry.id, entry);
  }

  get(id: number): ProcEntry | undefined {
    return this.entries.get(id);
  }

  /** Forgets the entry; a newer entry that took the id meanwhile (start -f) stays. */
  remove(id: number, entry: ProcEntry): void {
    if (this.entries.get(id) === entry) this.entries.delete(id);
  }

  byName(name: string): ProcEntry[] {
    return this.all().filter((entry) => entry.spec.name === name);
  }

  /**
   * Every target must match before anything is done, so `tsm stop web typo` changes nothing and
   * names the typo. `all` matches everything (and nothing, without error, when no app runs).
   */
  resolve(targets: readonly string[]): ProcEntry[] {
    if (!Array.isArray(targets) || targets.length === 0 || targets.some((t) => typeof t !== 'string')) {
      throw new TsmError('E_USAGE', 'no target given: name an app, an id, or all.');
    }
    const found = new Map<number, ProcEntry>();
    const unknown: string[] = [];
    for (const target of targets) {
      const matches = this.match(String(target));
      if (matches.length === 0 && target !== 'all') unknown.push(String(target));
      for (const entry of matches) found.set(entry.id, entry);
    }
    if (unknown.length > 0) {
      const names = [...new Set(this.all().map((entry) => entry.spec.name))];
      const known = names.length > 0 ? `known apps: ${names.join(', ')}` : 'no app is running';
      throw new TsmError(
        'E_NOT_FOUND',
        `no app or id matches ${unknown.map((t) => `'${t}'`).join(', ')} (${known}). See tsm list.`,
      );
    }
    return [...found.values()].sort((a, b) => a.id - b.id);
  }

  /** An id, an app's name, or else a namespace (PM2's: a name for a group of apps). */
  private match(target: string): ProcEntry[] {
    if (target === 'all') return this.all();
    if (/^\d+$/.test(target)) {
      const entry = this.entries.get(Number(target));
      return entry ? [entry] : [];
    }
    const named = this.byName(target);
    return named.length > 0 ? named : this.all().filter((entry) => entry.spec.namespace === target);
  }
}

/**
 * What the daemon tells about a process. The app's environment (which holds its secrets) is
 * only in `describe` (`tsm show`): `list` and every `monit` table go without it.
 */
export function toInfo(entry: ProcEntry, withEnv = false): ProcessInfo {
  // Samples come every few seconds: a process that has stopped since shows none, not its last.
  const sample = entry.proc === null ? null : entry.sample;
  return {
    id: entry.id,
    name: entry.spec.name,
    instance: entry.instance,
    status: entry.status,
    pid: entry.proc?.pid ?? null,
    restarts: entry.restarts,
    unstableRestarts: entry.unstableRestarts,
    createdAt: entry.createdAt,
    startedAt: entry.startedAt,
    lastExit: entry.lastExit,
    cpu: sample?.cpu ?? null,
    memory: sample?.memory ?? null,
    outLog: entry.logs.out,
    errLog: entry.logs.err,
    combinedLog: entry.logs.combined,
    restartCause: entry.restartCause,
    pidFile: entry.pidFile,
    spec: withEnv ? entry.spec : { ...entry.spec, env: {} },
  };
}
