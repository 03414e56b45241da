import type { AppSpec } from '../core/app-spec.js';
import type { Status } from '../core/status.js';

/**
 * Why a process last restarted: a kind from a closed set (a metrics label, something to filter
 * on) and what happened, in words ('crash (code 1)', 'memory limit: 312.0 MB over 300.0 MB').
 */
export type RestartKind = 'crash' | 'restart' | 'reload' | 'memory' | 'watch' | 'cron';
export interface RestartReason {
  kind: RestartKind;
  cause: string;
}

/** One supervised process as the daemon reports it. Times are epoch ms, sizes bytes. */
export interface ProcessInfo {
  id: number;
  name: string;
  /** NODE_APP_INSTANCE: 0..n-1 within its app. */
  instance: number;
  status: Status;
  pid: number | null;
  restarts: number;
  unstableRestarts: number;
  createdAt: number;
  /** When the current run started; null when not running. */
  startedAt: number | null;
  lastExit: { code: number | null; signal: string | null; at: number; error?: string } | null;
  cpu: number | null; // percent of one core, latest sample
  memory: number | null; // RSS bytes, latest sample
  /** Log files; null where turned off (NULL). */
  outLog: string | null;
  errLog: string | null;
  combinedLog: string | null;
  /** Why it last restarted: 'crash (code 1)', 'tsm restart', 'memory limit: ...', 'file change: ...'. */
  restartCause: (RestartReason & { at: number }) | null;
  /** Where its pid is written while it runs, or null. */
  pidFile: string | null;
  spec: AppSpec;
}

export interface DaemonInfo {
  pid: number;
  version: string;
  /** The daemon's Node, which also runs apps whose interpreter is `node`. */
  nodeVersion: string;
  /** The Node flags of the daemon's own process (core/daemon-node-flags.ts); its title hides them from `ps`. */
  nodeFlags: string[];
  home: string;
  startedAt: number;
  rss: number;
  processes: number;
  /**
   * How often the processes are measured now, in ms: 1000 while someone watches (monit) or an
   * app with a memory limit runs, 5000 otherwise; null while nothing runs. CPU figures are the
   * average over one such window.
   */
  sampleIntervalMs: number | null;
}
