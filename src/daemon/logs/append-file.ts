import { closeSync, openSync, writeSync } from 'node:fs';

/**
 * The daemon's own log: small, so each line is written synchronously and is on disk before the
 * next statement (a line logged just before the daemon exits is never lost). `reopen` follows an
 * external logrotate that moved the file away.
 */
export class AppendFile {
  private fd: number;

  constructor(private readonly path: string) {
    this.fd = openSync(path, 'a', 0o600);
  }

  write(text: string): void {
    try {
      writeSync(this.fd, text);
    } catch {
      // A full disk must not take the daemon down with it; the line is lost, the apps are not.
    }
  }

  reopen(): void {
    const old = this.fd;
    this.fd = openSync(this.path, 'a', 0o600);
    closeSync(old);
  }
}
