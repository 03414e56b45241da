import type { EventName, Events } from '../../protocol/events.js';

/** What a handler may do besides returning: push events to the client that asked. */
export interface RequestContext {
  emit<E extends EventName>(event: E, data: Events[E]): void;
}
