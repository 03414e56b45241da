/**
 * The one error class of tsm. Every failure that reaches a user carries a code from this closed
 * set, so the CLI can pick an exit code and tests can assert on the kind of failure, not on text.
 * Errors cross the socket as `{code, message}` and are rebuilt as a TsmError on the CLI side.
 */
export const ERROR_CODES = [
  'E_USAGE', // bad flags or values: exit code 2
  'E_SCRIPT', // the script is missing, a directory, or unreadable
  'E_NOT_FOUND', // no app with that name or id
  'E_ALREADY_RUNNING', // start of an app that already runs, without -f
  'E_BUSY', // another operation on the same app is under way (a reload)
  'E_CANCELLED', // a later operation on the same app superseded this one (a stop after a restart)
  'E_HOME', // TSM_HOME unusable: not writable, socket path too long
  'E_DAEMON_START', // the daemon did not come up
  'E_DAEMON_GONE', // the connection to the daemon broke
  'E_TIMEOUT', // a request got no reply before its deadline
  'E_VERSION', // CLI and daemon speak different protocol versions
  'E_PROTOCOL', // a malformed or oversized frame
  'E_LIMIT', // a per-connection limit of the daemon was reached (subscriptions on one connection)
  'E_SPAWN', // a process could not be started
  'E_LOG', // a log file cannot be opened (a symbolic link, below a file, not writable): nothing is spawned
  'E_RELOAD_FAILED', // a replacement worker did not become ready
  'E_SAVE', // the app list could not be written (a full disk, no permission); the previous file is kept
  'E_SAVED_INVALID', // a saved app list (apps.json, dump.json) could not be read; it was set aside
  'E_LISTEN', // the metrics endpoint cannot listen on its address (taken, not this machine's, privileged port)
  'E_STARTUP', // tsm startup/unstartup: not root, no systemd, a unit file that is not tsm's, systemctl failed
  'E_INTERNAL', // a bug: the daemon caught something it did not expect
] as const;

export type ErrorCode = (typeof ERROR_CODES)[number];

export class TsmError extends Error {
  readonly code: ErrorCode;

  constructor(code: ErrorCode, message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'TsmError';
    this.code = code;
  }

  toWire(): WireError {
    return { code: this.code, message: this.message };
  }
}

export interface WireError {
  code: ErrorCode;
  message: string;
}

export function isErrorCode(value: unknown): value is ErrorCode {
  return typeof value === 'string' && (ERROR_CODES as readonly string[]).includes(value);
}

/** Rebuilds an error that crossed the socket; an unknown code is a daemon bug, kept visible. */
export function fromWire(wire: unknown): TsmError {
  if (wire && typeof wire === 'object') {
    const { code, message } = wire as Record<string, unknown>;
    if (isErrorCode(code) && typeof message === 'string') return new TsmError(code, message);
  }
  return new TsmError('E_PROTOCOL', `the daemon sent an error this CLI cannot read: ${JSON.stringify(wire)}`);
}

/** Any thrown value as a TsmError: foreign errors become E_INTERNAL with the original as cause. */
export function asTsmError(error: unknown): TsmError {
  if (error instanceof TsmError) return error;
  const message = error instanceof Error ? error.message : String(error);
  return new TsmError('E_INTERNAL', message, { cause: error });
}

/** Exit codes are part of the CLI's contract: 0 success, 1 failure, 2 usage error. */
export function exitCodeFor(error: TsmError): number {
  return error.code === 'E_USAGE' ? 2 : 1;
}
