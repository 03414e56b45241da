import type { WireError } from '../core/errors.js';
import type { MethodName } from './methods.js';

/** The first frame on every connection, sent by the daemon, so a version mismatch is seen at once. */
export interface HelloFrame {
  type: 'hello';
  version: string;
  pid: number;
  /**
   * What the daemon has to tell whoever connects next, once (an apps.json set aside as corrupt,
   * apps restored after a crash); the CLI prints each as a warning.
   */
  notices?: string[];
}

export interface RequestFrame {
  id: number;
  method: MethodName;
  params: unknown;
}

export type ReplyFrame =
  | { type: 'reply'; id: number; ok: true; result: unknown }
  | { type: 'reply'; id: number; ok: false; error: WireError };

/** Something pushed on a connection that asked for it (log lines, samples, progress). */
export interface EventFrame {
  type: 'event';
  id: number; // the request that subscribed
  event: string;
  data: unknown;
}

export type ServerFrame = HelloFrame | ReplyFrame | EventFrame;

/**
 * Requests are small; a frame larger than this is a broken or hostile client, answered with an
 * error instead of buffered. Replies (a table of many processes) may be larger.
 */
export const MAX_REQUEST_BYTES = 1024 * 1024;
export const MAX_REPLY_BYTES = 64 * 1024 * 1024;
