import { closeSync, fstatSync, openSync, renameSync, writeSync } from 'node:fs';
import { APPEND_NO_FOLLOW } from './open-log.js';

/** The daemon's own log rolls over to `<file>.1` past this size: one old file is kept. */
const MAX_BYTES = 10 * 1024 * 1024;

/**
 * The daemon's own log: small, so each line is written synchronously and is on disk before the
 * next statement (a line logged just before the daemon exits is never lost). `reopen` follows an
 * external logrotate that moved the file away; without one, the file rolls over at 10 MB, so a
 * daemon that runs for months with an app crashing now and then cannot fill the disk.
 */
export class AppendFile {
  private fd: number;
  private size: number;

  constructor(
    private readonly path: string,
    private readonly maxBytes = MAX_BYTES,
  ) {
    this.fd = openSync(path, APPEND_NO_FOLLOW, 0o600);
    this.size = fstatSync(this.fd).size;
  }

  write(text: string): void {
    try {
      if (this.size >= this.maxBytes) this.rollOver();
      this.size += writeSync(this.fd, text);
    } catch {
      // A full disk must not take the daemon down with it; the line is lost, the apps are not.
    }
  }

  reopen(): void {
    const old = this.fd;
    this.fd = openSync(this.path, APPEND_NO_FOLLOW, 0o600);
    this.size = fstatSync(this.fd).size;
    closeSync(old);
  }

  private rollOver(): void {
    renameSync(this.path, `${this.path}.1`);
    this.reopen();
  }
}
