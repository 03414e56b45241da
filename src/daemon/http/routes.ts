import type { IncomingMessage, ServerResponse } from 'node:http';
import type { DaemonState } from '../state.js';
import { collectFamilies } from './collect.js';
import { CONTENT_TYPE, renderExposition } from './exposition.js';
import type { LoopDelayMonitor } from './loop-delay.js';
import { notReady } from './readiness.js';

interface Reply {
  status: number;
  body: string;
  contentType?: string;
}

type Route = (state: DaemonState, loopDelay: LoopDelayMonitor) => Reply;

/** Each path and what answers it: a table, not an if-chain. */
const ROUTES: Record<string, Route> = {
  '/metrics': (state, loopDelay) => ({
    status: 200,
    contentType: CONTENT_TYPE,
    body: renderExposition(
      collectFamilies({
        entries: state.registry.all(),
        counters: state.counters,
        daemon: { startedAt: state.startedAt, cpu: process.cpuUsage(), memory: process.memoryUsage(), loopDelay: loopDelay.readAndReset() },
        now: Date.now(),
      }),
    ),
  }),
  // The daemon answers: that is all a liveness probe needs. Shutting down, it soon will not.
  '/healthz': (state) => (state.shuttingDown ? { status: 503, body: 'shutting down\n' } : { status: 200, body: 'ok\n' }),
  '/readyz': (state) => {
    if (state.shuttingDown) return { status: 503, body: 'not ready: the daemon is shutting down\n' };
    const waiting = notReady(state.registry.all());
    if (waiting.length === 0) return { status: 200, body: 'ready\n' };
    return { status: 503, body: `not ready: ${waiting.join(', ')}\n` };
  },
};

/** The request handler of the endpoint: GET or HEAD of a known path; the query string is ignored. */
export function createRequestHandler(state: DaemonState, loopDelay: LoopDelayMonitor): (req: IncomingMessage, res: ServerResponse) => void {
  return (req, res) => {
    const path = (req.url ?? '/').split('?')[0] ?? '/';
    const route = Object.hasOwn(ROUTES, path) ? ROUTES[path] : undefined;
    let reply: Reply;
    if (req.method !== 'GET' && req.method !== 'HEAD') {
      res.setHeader('Allow', 'GET, HEAD');
      reply = { status: 405, body: `${req.method ?? ''} is not allowed: use GET\n` };
    } else if (!route) {
      reply = { status: 404, body: `no such path: ${path} (try ${Object.keys(ROUTES).join(', ')})\n` };
    } else {
      try {
        reply = route(state, loopDelay);
      } catch (error) {
        state.logger.error(`metrics endpoint: ${path} failed`, error);
        reply = { status: 500, body: 'internal error (see the daemon log)\n' };
      }
    }
    const body = Buffer.from(reply.body, 'utf8');
    res.writeHead(reply.status, {
      'Content-Type': reply.contentType ?? 'text/plain; charset=utf-8',
      'Content-Length': body.length,
      'Cache-Control': 'no-store',
    });
    res.end(req.method === 'HEAD' ? undefined : body);
  };
}
