import type { Cron } from 'croner';
import type { AppSpec } from '../../core/app-spec.js';
import type { RestartReason } from '../../protocol/process-info.js';
import type { Logger } from '../logger.js';
import type { ProcEntry, Registry } from '../registry.js';
import { FileWatch } from './file-watch.js';

export interface TriggerDeps {
  registry: Registry;
  logger: Logger;
  /** False once the daemon shuts down. */
  accepting: () => boolean;
  /** Ask the app's owner to restart it (cluster: reload), saying why. */
  refresh: (name: string, reason: RestartReason) => void;
}

interface Armed {
  spec: AppSpec;
  watch: FileWatch | null;
  cron: Cron | null;
}

/** croner, loaded for the first expression: a daemon without schedules never pays its ~1 MB. */
function cronLibrary(): typeof import('croner') {
  return require('croner') as typeof import('croner');
}

/** Why croner refuses an expression, or null: checked when a start request arrives. */
export function cronProblem(expression: string): string | null {
  try {
    const job = new (cronLibrary().Cron)(expression, { paused: true }); // a parse: no timer is armed
    const next = job.nextRun();
    job.stop();
    return next === null ? 'it never runs' : null;
  } catch (error) {
    return (error as Error).message.replace(/^CronPattern: /, '');
  }
}

/**
 * What makes an app restart on its own besides a crash: file changes (watch) and a schedule
 * (cron_restart). Both only ask the app's owner, like a command would; they are armed while the
 * app should run and disarmed when it is stopped or deleted (`sync` after every operation).
 * Only the croner library's user: it parses the expression and keeps the timer to the next run.
 */
export class AppTriggers {
  private readonly armed = new Map<string, Armed>();

  constructor(private readonly deps: TriggerDeps) {}

  /** Arms or disarms the app's triggers to match its processes and spec now. */
  sync(name: string): void {
    const entries = this.deps.registry.byName(name);
    const spec = entries[0]?.spec;
    const wanted = spec !== undefined && this.deps.accepting() && entries.some((entry) => entry.desired === 'running');
    const current = this.armed.get(name);
    if (current && (!wanted || current.spec !== spec)) this.disarm(name);
    if (!wanted || this.armed.has(name) || !spec) return;
    if (spec.watch === false && spec.cronRestart === '') return;
    this.armed.set(name, { spec, watch: this.watch(spec, entries), cron: this.schedule(spec) });
  }

  closeAll(): void {
    for (const name of [...this.armed.keys()]) this.disarm(name);
  }

  private disarm(name: string): void {
    const armed = this.armed.get(name);
    armed?.watch?.close();
    armed?.cron?.stop();
    this.armed.delete(name);
  }

  private watch(spec: AppSpec, entries: readonly ProcEntry[]): FileWatch | null {
    if (spec.watch === false) return null;
    const ownFiles = entries.flatMap((entry) => [entry.logs.out, entry.logs.err, entry.logs.combined]).filter((p): p is string => p !== null);
    try {
      return new FileWatch(
        { paths: spec.watch, ignore: spec.ignoreWatch, ownFiles, delayMs: spec.watchDelay },
        (file) => this.deps.refresh(spec.name, { kind: 'watch', cause: `file change: ${file}` }),
        (error) => this.deps.logger.warn(`watching ${spec.name}: ${error.message}`),
      );
    } catch (error) {
      this.deps.logger.error(`${spec.name}: cannot watch ${spec.watch.join(', ')}: ${(error as Error).message}`);
      return null;
    }
  }

  private schedule(spec: AppSpec): Cron | null {
    if (spec.cronRestart === '') return null;
    try {
      const { Cron: CronJob } = cronLibrary();
      return new CronJob(spec.cronRestart, { protect: true }, () => this.deps.refresh(spec.name, { kind: 'cron', cause: `cron ${spec.cronRestart}` }));
    } catch (error) {
      this.deps.logger.error(`${spec.name}: cron_restart ${spec.cronRestart}: ${(error as Error).message}`);
      return null;
    }
  }
}
