import type { RestartReason } from '../../protocol/process-info.js';
import type { Registry } from '../registry.js';

const MB = 1024 * 1024;

/**
 * PM2's max_memory_restart, checked at every metrics sample (each second; PM2 checks every 30 s),
 * so a leak is caught well before the OOM killer: a process over its app's limit is restarted
 * (a cluster worker: reloaded, without losing a request) through its app's owner. A process
 * already being restarted for it is not asked again.
 */
export class MemoryLimits {
  private readonly pending = new Set<number>();

  constructor(
    private readonly registry: Registry,
    private readonly refresh: (name: string, reason: RestartReason, ids: number[]) => Promise<void>,
  ) {}

  check(): void {
    for (const entry of this.registry.all()) {
      const limit = entry.spec.maxMemoryRestart;
      const memory = entry.sample?.memory;
      if (limit === 0 || memory === undefined || memory <= limit) continue;
      if (entry.status !== 'online' || this.pending.has(entry.id)) continue;
      this.pending.add(entry.id);
      const cause = `memory limit: ${(memory / MB).toFixed(1)} MB over ${(limit / MB).toFixed(1)} MB`;
      void this.refresh(entry.spec.name, { kind: 'memory', cause }, [entry.id]).finally(() => this.pending.delete(entry.id));
    }
  }
}
