/**
 * Messages between the daemon and tsm's preload inside each cluster worker. The `NODE_` prefix
 * makes Node deliver them as 'internalMessage' (as node:cluster's own messages are), so they
 * never reach the app's process.on('message') listeners.
 */
export const DRAIN_CMD = 'NODE_TSM_DRAIN';
export const DRAINED_CMD = 'NODE_TSM_DRAINED';

export interface DrainMessage {
  cmd: typeof DRAIN_CMD;
  /** Idle keep-alive connections are closed after being idle this long while draining. */
  idleCloseMs: number;
}

export interface DrainedMessage {
  cmd: typeof DRAINED_CMD;
  /** Connections still open when the worker reported (0 unless it gave up waiting). */
  open: number;
}
