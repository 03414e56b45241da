import type { EventName, Events } from '../../protocol/events.js';

/** What a handler may do besides returning: push events to the client that asked. */
export interface RequestContext {
  emit<E extends EventName>(event: E, data: Events[E]): void;
  /** Runs when the client's connection closes (to end a subscription). */
  onClose(callback: () => void): void;
  /** Bytes written to the client that it has not read yet. */
  pendingBytes(): number;
}
