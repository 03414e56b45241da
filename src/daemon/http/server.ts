import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { TsmError } from '../../core/errors.js';
import { formatAddress, type ListenAddress } from '../../core/settings.js';

export interface HttpEndpoint {
  /** `host:port` it listens on. */
  readonly address: string;
  /** Stops listening and ends open connections (Prometheus keeps one alive between scrapes). */
  close(): Promise<void>;
}

/** Messages for the listen errors a person can fix, by code. */
const LISTEN_ERRORS: Record<string, (where: string) => string> = {
  EADDRINUSE: (where) => `${where} is taken: another program (or another tsm home) listens there. Choose another port.`,
  EADDRNOTAVAIL: (where) => `${where} is not an address of this machine. Use 127.0.0.1, 0.0.0.0 (every interface) or one of its own addresses.`,
  EACCES: (where) => `${where}: ports below 1024 need privileges the daemon does not have. Choose a port above 1023.`,
};

/**
 * Listens on `address` with node:http; rejects with E_LISTEN naming the address and the fix
 * when it cannot, with nothing left listening.
 */
export async function startHttpServer(
  address: ListenAddress,
  handler: (req: IncomingMessage, res: ServerResponse) => void,
): Promise<HttpEndpoint> {
  // A slow or stuck client must not hold a socket of the daemon for long.
  const server: Server = createServer({ requestTimeout: 10_000, headersTimeout: 5_000 }, handler);
  const where = formatAddress(address);
  await new Promise<void>((resolve, reject) => {
    const onError = (error: NodeJS.ErrnoException): void => {
      const explain = LISTEN_ERRORS[error.code ?? ''];
      reject(new TsmError('E_LISTEN', explain ? explain(where) : `cannot listen on ${where}: ${error.message}`, { cause: error }));
    };
    server.once('error', onError);
    server.listen(address.port, address.host, () => {
      server.off('error', onError);
      resolve();
    });
  });
  server.on('clientError', (_error, socket) => socket.destroy());
  return {
    address: where,
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}
