import { DEFAULT_LOG_MODE } from '../../core/home-safety.js';
import type { LogFiles, RotationSpec } from '../../core/log-spec.js';
import { LogFile } from './log-file.js';
import { prepareLogFiles } from './open-log.js';

/**
 * Open log files, shared by path: two processes writing one file (merged logs) share one
 * LogFile, so their lines interleave whole instead of tearing each other's writes.
 */
export class LogSinks {
  private readonly open = new Map<string, { file: LogFile; refs: number }>();

  constructor(
    private readonly onError: (path: string, error: Error) => void,
    /** The mode of the log files created (TSM_LOG_MODE when the daemon started). */
    readonly mode = DEFAULT_LOG_MODE,
  ) {}

  /** Checks a process's files before its spawn, with this daemon's mode: see prepareLogFiles. */
  prepare(files: LogFiles): Promise<void> {
    return prepareLogFiles(files, this.mode);
  }

  acquire(path: string, rotation: RotationSpec): LogFile {
    const existing = this.open.get(path);
    if (existing) {
      existing.refs += 1;
      return existing.file;
    }
    const file = new LogFile(path, rotation, this.mode);
    file.on('error', (error) => this.onError(path, error));
    this.open.set(path, { file, refs: 1 });
    return file;
  }

  release(path: string): void {
    const entry = this.open.get(path);
    if (!entry) return;
    entry.refs -= 1;
    if (entry.refs <= 0) {
      this.open.delete(path);
      void entry.file.close();
    }
  }

  /** For an external logrotate (`tsm reloadLogs`, SIGUSR2): every file opened again by path. */
  reopenAll(): number {
    for (const { file } of this.open.values()) void file.reopen();
    return this.open.size;
  }

  /** The open LogFile for a path, if a running process writes it. */
  get(path: string): LogFile | undefined {
    return this.open.get(path)?.file;
  }

  async closeAll(): Promise<void> {
    const files = [...this.open.values()].map((entry) => entry.file);
    this.open.clear();
    await Promise.all(files.map((file) => file.close()));
  }
}
