/**
 * How often the daemon measures its processes, as a rule of its own (pure: no clock, no timer),
 * so it can be tested with numbers and the sampler only follows it.
 *
 * Each sample costs the daemon a read of /proc/uptime and one of /proc/<pid>/stat per process,
 * each a round trip through libuv's thread pool: at one a second that was most of an idle
 * daemon's CPU (0.5 % of a core with 20 apps). Most of the time nobody needs figures that fresh:
 * `tsm list` and a /metrics scrape read the last sample, whatever its age. So the daemon samples
 * every few seconds, and every second only while someone needs it:
 * - a subscriber (`tsm monit`) draws a table at each sample, and promises one a second;
 * - a running process of an app with a memory limit (`max_memory_restart`), checked at each
 *   sample, must be caught within about a second of crossing it (PM2 takes up to 30 s);
 * - a process just spawned gets its first figures a second later, not at the next slow tick.
 * With no process to measure and no subscriber there is no timer at all.
 */

/** The two speeds, in milliseconds. */
export interface Cadence {
  /** While someone needs fresh figures (see above), and the first sample after a wake. */
  fastMs: number;
  /** Otherwise, while a process runs. pidusage keeps each pid's last reading 60 s: stay well under. */
  slowMs: number;
}

export const DEFAULT_CADENCE: Cadence = { fastMs: 1000, slowMs: 5000 };

/** What the daemon has right now, counted by the sampler at each decision. */
export interface SamplingNeeds {
  /** A process runs: there is something to measure. */
  live: boolean;
  /** Someone receives every sample as it comes (a `processes` subscription: monit). */
  subscribers: boolean;
  /** A running process belongs to an app with a memory limit. */
  memoryLimit: boolean;
}

/** The time between two samples for these needs; null when there is nothing to do at all. */
export function intervalFor(needs: SamplingNeeds, cadence: Cadence): number | null {
  if (needs.subscribers || (needs.live && needs.memoryLimit)) return cadence.fastMs;
  return needs.live ? cadence.slowMs : null;
}

/**
 * When the next sample runs after one that started at `startedAt` and ended at `now`: one
 * interval after the start (a steady rhythm however long the sample took), never in the past
 * (a sample is skipped, not stacked). Null: no timer.
 */
export function dueAfterSample(startedAt: number, now: number, needs: SamplingNeeds, cadence: Cadence): number | null {
  const interval = intervalFor(needs, cadence);
  return interval === null ? null : Math.max(now, startedAt + interval);
}

/**
 * When a wake (a spawn, a new subscriber, a process whose app got a memory limit) wants the next
 * sample: at most one fast interval from now. A timer already due sooner is kept, so a burst of
 * wakes (50 apps starting) never postpones the sample, and an idle daemon is not woken.
 * Returns the new due time, or null to keep the timer as it is (or none when there is no work).
 */
export function dueAfterWake(now: number, armedAt: number | null, needs: SamplingNeeds, cadence: Cadence): number | null {
  if (intervalFor(needs, cadence) === null) return null;
  const wanted = now + cadence.fastMs;
  return armedAt !== null && armedAt <= wanted ? null : wanted;
}
