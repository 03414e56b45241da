import type { ProcEntry } from '../registry.js';

/**
 * What keeps /readyz from answering 200: every process that should run (the user asked for it
 * and it has not ended on its own) and is not online, e.g. `web (id 0) errored`. Stopped apps and
 * one-shot jobs that finished are not waited for.
 */
export function notReady(entries: readonly ProcEntry[]): string[] {
  return entries
    .filter((entry) => entry.desired === 'running' && entry.status !== 'online')
    .sort((a, b) => a.id - b.id)
    .map((entry) => `${entry.spec.name} (id ${entry.id}) ${entry.status}`);
}
