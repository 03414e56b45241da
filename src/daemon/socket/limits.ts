/**
 * What one client connection may cost the daemon. A client that sends and never reads must not
 * grow the daemon (without these, 20,000 pipelined `list` requests grew it by hundreds of MB, and
 * 1,000 subscriptions on a paused connection by 10 MB a second): requests are read only as fast
 * as their replies are.
 */
export const CONNECTION_LIMITS = {
  /** Requests being handled at once for one connection; past it, its socket is not read. */
  maxInFlight: 32,
  /** Unread output past which the socket is not read until the client catches up ('drain'). */
  pauseOutputBytes: 1024 * 1024,
  /** Unread output past which the client is dropped: it reads far slower than it asks. */
  dropOutputBytes: 16 * 1024 * 1024,
  /** Subscriptions on one connection: `tsm logs` and `monit` need one each. */
  maxSubscriptions: 8,
  /** Refused frames logged one by one per connection; the rest are counted, logged at close. */
  loggedRejections: 5,
  /** A log line about a client's frame says at most this much of it. */
  logSummaryChars: 200,
} as const;

export type ConnectionLimits = { readonly [K in keyof typeof CONNECTION_LIMITS]: number };
