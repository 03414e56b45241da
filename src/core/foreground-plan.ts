import type { StartInput } from './app-spec.js';

/**
 * What `tsm-runtime` asks of the daemon it runs in the foreground. The CLI's parser builds it
 * (src/cli/runtime/), the daemon carries it out (src/daemon/foreground/); bin/tsm-runtime.js joins
 * the two, so neither layer imports the other.
 */
export interface ForegroundPlan {
  home: string;
  /**
   * `apps`: start these (checked, scripts found) and exit non-zero once none is left running, so
   * an orchestrator restarts the container. `resurrect`: the systemd unit's daemon, which brings
   * back the apps of the last `tsm save` and keeps serving whatever runs, even nothing.
   */
  mode: { kind: 'apps'; apps: StartInput[] } | { kind: 'resurrect' };
  /** Console lines as JSON objects (time, app, id, stream, message) instead of `name-id | line`. */
  json: boolean;
  /** `--metrics <host:port>`: the metrics and health endpoint, turned on there (checked already). */
  metrics?: string;
}
