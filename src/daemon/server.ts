import type { Socket } from 'node:net';
import { TSM_VERSION } from '../protocol/version.js';
import type { HandlerTable } from './handlers/index.js';
import { ClientConnection } from './socket/client-connection.js';
import { ControlSocket } from './socket/control-socket.js';
import { dispatch } from './socket/dispatch.js';
import type { DaemonState } from './state.js';

/**
 * The control socket: newline-delimited JSON frames, a hello on connect (with the notices the
 * daemon holds for the next command), then requests answered by the handler table. Nothing a
 * client sends can crash or grow the daemon: frames are checked at the border, what a client
 * costs is bounded, and the socket file comes back if it is deleted. See socket/.
 */
export async function listen(state: DaemonState, handlers: HandlerTable): Promise<ControlSocket> {
  let clients = 0; // numbers clients in the daemon's log
  const serve = (socket: Socket): void => {
    clients += 1;
    const connection = new ClientConnection(
      socket,
      state.logger,
      (request, client) => dispatch(state, handlers, request, client),
      `client ${clients}`,
    );
    const notices = state.notices.drain();
    connection.start({ type: 'hello', version: TSM_VERSION, pid: process.pid, ...(notices.length > 0 ? { notices } : {}) });
  };
  const control = new ControlSocket(state.paths.socket, state.logger, serve);
  await control.open();
  return control;
}
