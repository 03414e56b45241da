import { watch, type FSWatcher } from 'node:fs';
import { chmod, lstat, unlink } from 'node:fs/promises';
import { createServer, type Server, type Socket } from 'node:net';
import { basename, dirname } from 'node:path';
import type { Logger } from '../logger.js';

/**
 * The control socket's file, kept in place for the daemon's whole life. A /tmp cleaner (or a
 * person) may delete it; the daemon would then run on, unreachable, and the next command would
 * start a second one. So the home directory is watched (inotify, no polling timer): an event for
 * the socket's name is checked with lstat, and a socket file that is gone or is no longer the
 * one bound here is replaced by a fresh one, 0600 like the first. Connections already open are
 * not affected: they do not go through the file.
 */
export class ControlSocket {
  private server: Server | null = null;
  private watcher: FSWatcher | null = null;
  /** The file bound last, to tell it from a replacement put at the same path. */
  private bound: { dev: number; ino: number } | null = null;
  private checks: Promise<void> = Promise.resolve();
  private closed = false;

  constructor(
    private readonly path: string,
    private readonly logger: Logger,
    private readonly onConnection: (socket: Socket) => void,
  ) {}

  async open(): Promise<void> {
    await this.bind();
    this.watch();
    this.check(); // a delete between the bind and the watch would have gone unseen
  }

  /** Stops accepting and watching (closing removes the file too). Open connections go on. */
  close(): void {
    this.closed = true;
    this.watcher?.close();
    this.watcher = null;
    this.server?.close();
    this.server = null;
  }

  private async bind(): Promise<void> {
    // libuv unlinks a listening socket's path when the server closes: the lost server must close
    // before the new file exists, or it would take the new file with it (and its close, as an
    // event, would call for yet another bind).
    this.server?.close();
    this.server = null;
    // We hold the pid lock: whatever is at the path is stale, or a replacement that is not ours.
    await unlink(this.path).catch(() => {});
    const server = createServer((socket) => this.onConnection(socket));
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      // bind() creates the file inside listen(), synchronously, with the process's umask: 0177
      // makes it 0600 from its first instant, not only after the chmod below.
      const umask = process.umask(0o177);
      try {
        server.listen(this.path, () => {
          server.off('error', reject);
          resolve();
        });
      } finally {
        process.umask(umask);
      }
    });
    server.on('error', (error) => this.logger.error('control socket error', error));
    await chmod(this.path, 0o600); // where umask does not apply to sockets
    const info = await lstat(this.path);
    this.bound = { dev: info.dev, ino: info.ino };
    this.server = server;
  }

  private watch(): void {
    const name = basename(this.path);
    try {
      // Not persistent: the watch must not keep a daemon alive that is otherwise done.
      this.watcher = watch(dirname(this.path), { persistent: false }, (_event, filename) => {
        // Without a filename (some platforms) any change may be ours: check.
        if (filename === null || filename.toString() === name) this.check();
      });
      this.watcher.on('error', (error) => {
        this.logger.error(`watching ${dirname(this.path)} failed; a deleted control socket will not come back`, error);
      });
    } catch (error) {
      // inotify watches are a per-user limit (fs.inotify.max_user_watches): the daemon runs without.
      this.logger.error(`cannot watch ${dirname(this.path)}; a deleted control socket will not come back`, error);
    }
  }

  /** One check at a time: re-binding creates the file again, which is itself an event to check. */
  private check(): void {
    this.checks = this.checks
      .then(() => this.replaceIfLost())
      .catch((error: unknown) => this.logger.error(`could not listen again on ${this.path}`, error));
  }

  private async replaceIfLost(): Promise<void> {
    if (this.closed) return;
    const info = await lstat(this.path).catch(() => null);
    if (info && info.isSocket() && info.dev === this.bound?.dev && info.ino === this.bound.ino) return;
    if (this.closed) return;
    this.logger.warn(`the control socket ${this.path} was ${info ? 'replaced' : 'deleted'}; listening on a new one`);
    await this.bind();
    this.logger.info(`listening again on ${this.path}`);
  }
}
