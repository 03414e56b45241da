import { Server as NetServer } from 'node:net';
import { DRAIN_CMD, DRAINED_CMD, type DrainedMessage, type DrainMessage } from '../protocol/worker-messages.js';
import { ConnectionTracker } from './connection-tracker.js';

/**
 * Loaded with `--require` into every cluster worker, before the app (CommonJS or ESM). It only
 * watches: every server the app starts listening is tracked, and on the daemon's drain message
 * the worker leaves the rotation and reports once its connections are done. The app's code,
 * signals and 'message' listeners are untouched.
 */
function install(): void {
  const tracker = new ConnectionTracker();
  const listen = NetServer.prototype.listen;
  NetServer.prototype.listen = function patchedListen(this: NetServer, ...args: unknown[]) {
    tracker.track(this);
    return (listen as (...a: unknown[]) => NetServer).apply(this, args);
  } as NetServer['listen'];

  process.on('internalMessage' as 'message', (message: unknown) => {
    const drain = message as Partial<DrainMessage> | null;
    if (drain?.cmd !== DRAIN_CMD) return;
    tracker.drain(drain.idleCloseMs ?? 1000, () => {
      const reply: DrainedMessage = { cmd: DRAINED_CMD, open: tracker.openConnections };
      if (process.connected) process.send?.(reply);
    });
  });
}

install();
