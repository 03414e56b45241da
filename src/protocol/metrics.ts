/** `tsm metrics enable|disable|status`: with `set`, the endpoint is changed live and the setting saved. */
export interface MetricsParams {
  set?: { enabled: true; address?: string } | { enabled: false };
}

/** The metrics endpoint as the daemon sees it. */
export interface MetricsStatus {
  /** The saved setting: the endpoint should run (now and after a daemon restart). */
  enabled: boolean;
  /** The saved address (`host:port`), used again by `enable` without one. */
  address: string;
  /** Where it listens now; null when it is off or could not listen. */
  listening: string | null;
  /** Why it does not listen although enabled (the address was taken when the daemon started). */
  error: string | null;
  settingsFile: string;
}
