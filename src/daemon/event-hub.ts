import { EventEmitter } from 'node:events';
import type { LogLine } from '../protocol/events.js';

interface HubEvents {
  line: [line: LogLine];
  sample: [];
}

/**
 * Where the daemon's parts announce what subscribers may want: output lines (apps and the
 * daemon's own log) and fresh metrics samples. Subscriptions listen here; nothing else does.
 */
export class EventHub extends EventEmitter<HubEvents> {
  constructor() {
    super();
    // One listener per open `tsm logs` or `monit`; the default limit of 10 would warn falsely.
    this.setMaxListeners(0);
  }
}
