/**
 * What to do when a process exits on its own. Pure, so every rule (min_uptime, max_restarts,
 * stop exit codes, exponential backoff) is tested without a process.
 */
export interface RestartRules {
  autorestart: boolean;
  maxRestarts: number;
  minUptime: number;
  restartDelay: number;
  expBackoffRestartDelay: number; // 0: off
  stopExitCodes: number[];
}

export interface ExitFacts {
  code: number | null;
  signal: string | null;
  uptimeMs: number;
  /** Consecutive exits that came before min_uptime (unstable restarts), before this one. */
  unstableRestarts: number;
  /** The backoff delay used for the previous restart, 0 if none. */
  previousBackoff: number;
}

export type ExitDecision =
  | { action: 'restart'; delayMs: number; unstableRestarts: number; backoff: number }
  | { action: 'done' } // a clean exit that should not be restarted
  | { action: 'give-up'; reason: string };

/** PM2's figures: the backoff grows by half each time, is capped at 15 s, and resets after 30 s up. */
export const BACKOFF_FACTOR = 1.5;
export const BACKOFF_CAP_MS = 15_000;
export const BACKOFF_RESET_AFTER_MS = 30_000;

export function decideAfterExit(rules: RestartRules, facts: ExitFacts): ExitDecision {
  if (facts.code !== null && rules.stopExitCodes.includes(facts.code)) return { action: 'done' };
  if (!rules.autorestart) {
    return facts.code === 0 ? { action: 'done' } : { action: 'give-up', reason: 'autorestart is off' };
  }
  const unstable = facts.uptimeMs < rules.minUptime;
  const unstableRestarts = unstable ? facts.unstableRestarts + 1 : 0;
  if (unstableRestarts > rules.maxRestarts) {
    return {
      action: 'give-up',
      reason: `it exited ${unstableRestarts} times in a row within min_uptime (${rules.minUptime} ms); max_restarts is ${rules.maxRestarts}`,
    };
  }
  const backoff = nextBackoff(rules.expBackoffRestartDelay, facts.previousBackoff, facts.uptimeMs);
  return { action: 'restart', delayMs: Math.max(rules.restartDelay, backoff), unstableRestarts, backoff };
}

function nextBackoff(base: number, previous: number, uptimeMs: number): number {
  if (base <= 0) return 0;
  if (previous === 0 || uptimeMs >= BACKOFF_RESET_AFTER_MS) return base;
  return Math.min(Math.round(previous * BACKOFF_FACTOR), BACKOFF_CAP_MS);
}
