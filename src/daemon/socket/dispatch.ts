import { asTsmError, TsmError } from '../../core/errors.js';
import type { ReplyFrame, RequestFrame } from '../../protocol/frames.js';
import { checkParams } from '../../protocol/request.js';
import type { RequestContext } from '../handlers/context.js';
import type { HandlerTable } from '../handlers/index.js';
import type { DaemonState } from '../state.js';
import type { ClientConnection } from './client-connection.js';

/**
 * Answers one checked request through the handler table. Never throws: a handler's failure is an
 * error reply with its code, and only E_INTERNAL (a bug) is logged, since the rest are the
 * client's mistakes and already told to it.
 */
export async function dispatch(
  state: DaemonState,
  handlers: HandlerTable,
  request: RequestFrame,
  connection: ClientConnection,
): Promise<ReplyFrame> {
  const { id, method, params } = request;
  // `kill` is let through: it waits for the shutdown under way and answers, so a CLI that
  // asks again always gets an answer and sees the daemon exit.
  if (state.shuttingDown && method !== 'ping' && method !== 'kill') {
    return errorReply(id, new TsmError('E_DAEMON_GONE', 'the daemon is shutting down; run the command again in a moment.'));
  }
  let subscription = false;
  try {
    checkParams(method, params);
    if (method === 'subscribe') {
      if (!connection.takeSubscription()) {
        throw new TsmError(
          'E_LIMIT',
          `subscribe: this connection already holds ${connection.maxSubscriptions} subscriptions, the most one may. ` +
            'Close the ones you no longer read, or open another connection.',
        );
      }
      subscription = true;
    }
    const handler = handlers[method] as (s: DaemonState, p: unknown, c: RequestContext) => Promise<unknown>;
    const ctx: RequestContext = {
      emit: (event, data) => connection.send({ type: 'event', id, event, data }),
      onClose: (callback) => connection.onClose(callback),
      pendingBytes: () => connection.pendingBytes(),
    };
    const result = await handler(state, params, ctx);
    return { type: 'reply', id, ok: true, result };
  } catch (error) {
    if (subscription) connection.releaseSubscription();
    const tsmError = asTsmError(error);
    if (tsmError.code === 'E_INTERNAL') state.logger.error(`${method} failed`, error);
    return errorReply(id, tsmError);
  }
}

function errorReply(id: number, error: TsmError): ReplyFrame {
  return { type: 'reply', id, ok: false, error: error.toWire() };
}
