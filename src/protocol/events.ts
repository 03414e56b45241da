import type { DaemonInfo, ProcessInfo } from './process-info.js';

/** One worker replaced by a reload (or, in fork mode, one process restarted). */
export interface ReloadProgress {
  name: string;
  id: number;
  instance: number;
  mode: 'cluster' | 'fork';
  oldPid: number | null;
  newPid: number | null;
  /** From the replacement's spawn to its readiness (listening, or 'ready' sent). */
  readyMs: number;
}

/** One line of output, live. The daemon's own lines come with id -1 and name 'tsm'. */
export interface LogLine {
  id: number;
  name: string;
  stream: 'out' | 'err' | 'daemon';
  line: string;
  at: number;
}

/** Lines a subscriber missed because it read slower than the apps wrote. */
export interface LinesSkipped {
  count: number;
}

/**
 * What the daemon pushes on a connection: progress while it serves a request, and after a
 * `subscribe`, live lines and process tables until the connection closes. Written once, like the
 * methods.
 */
export interface Events {
  'reload-progress': ReloadProgress;
  'log-line': LogLine;
  'lines-skipped': LinesSkipped;
  processes: { processes: ProcessInfo[]; daemon: DaemonInfo };
}

export type EventName = keyof Events;
