import { TsmError } from './errors.js';

/** A process's status: a closed set, changed only through `transition`. */
export const STATUSES = ['launching', 'online', 'stopping', 'stopped', 'errored', 'waiting-restart'] as const;
export type Status = (typeof STATUSES)[number];

/**
 * What happens to a process. The supervisor reports events; this table alone decides the status
 * that follows, so a status can never be set from two places with two opinions.
 */
export type StatusEvent =
  | 'spawn' // a process is being started
  | 'up' // it is running (fork: spawned; cluster: the worker is online)
  | 'stop' // a deliberate stop was asked for
  | 'exited' // the process is gone after a deliberate stop
  | 'crash' // it died unexpectedly and a restart is scheduled
  | 'give-up' // it died and will not be restarted (limits reached, or autorestart off and it failed)
  | 'done' // it ended on its own with a code that means "do not restart"
  | 'halt' // a parked process (waiting or errored) is stopped without any process to signal
  | 'abandon'; // a launch given up before its process was spawned (cancelled, or the daemon stopping)

const TABLE: Record<StatusEvent, Partial<Record<Status, Status>>> = {
  spawn: { stopped: 'launching', errored: 'launching', 'waiting-restart': 'launching' },
  up: { launching: 'online' },
  stop: { launching: 'stopping', online: 'stopping' },
  exited: { stopping: 'stopped' },
  crash: { launching: 'waiting-restart', online: 'waiting-restart' },
  'give-up': { launching: 'errored', online: 'errored' },
  done: { launching: 'stopped', online: 'stopped' },
  halt: { 'waiting-restart': 'stopped', errored: 'stopped', stopped: 'stopped' },
  abandon: { launching: 'stopped' },
};

export function transition(from: Status, event: StatusEvent): Status {
  const to = TABLE[event][from];
  if (to === undefined) {
    throw new TsmError('E_INTERNAL', `illegal status change: '${event}' while '${from}'`);
  }
  return to;
}
