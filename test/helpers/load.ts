import { Agent, get } from 'node:http';

export interface LoadResult {
  ok: number;
  failures: string[];
}

/**
 * A few closed-loop clients on 127.0.0.1 for tests: each sends its next GET when the previous
 * one completes. Any error, non-200 status or timeout is a failure, with its reason.
 */
export function runLoad(port: number, { clients = 4, keepAlive = true, path = '/' } = {}) {
  const agent = new Agent({ keepAlive, maxSockets: clients });
  const result: LoadResult = { ok: 0, failures: [] };
  let running = true;
  const once = () =>
    new Promise<void>((resolve) => {
      const req = get({ host: '127.0.0.1', port, path, agent, timeout: 5000 }, (res) => {
        res.resume();
        res.on('end', () => {
          if (res.statusCode === 200) result.ok += 1;
          else result.failures.push(`status ${res.statusCode}`);
          resolve();
        });
        res.on('error', (error) => {
          result.failures.push(String(error));
          resolve();
        });
      });
      req.on('timeout', () => req.destroy(new Error('timeout')));
      req.on('error', (error) => {
        result.failures.push(String(error));
        resolve();
      });
    });
  const loops = Array.from({ length: clients }, async () => {
    while (running) await once();
  });
  return {
    result,
    async stop(): Promise<LoadResult> {
      running = false;
      await Promise.all(loops);
      agent.destroy();
      return result;
    },
  };
}
