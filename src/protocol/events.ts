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

/**
 * What the daemon pushes on a connection while it serves a request there (progress), written
 * once like the methods.
 */
export interface Events {
  'reload-progress': ReloadProgress;
}

export type EventName = keyof Events;
