import { TsmError } from '../core/errors.js';
import { checkEnv } from '../core/parse.js';
import { checkBounds, describeValue, REQUEST_BOUNDS, type Bounds } from './bounds.js';
import type { RequestFrame } from './frames.js';
import { isMethodName, type MethodName } from './methods.js';

export type RequestCheck =
  | { ok: true; request: RequestFrame }
  /** `id` when the frame had a readable one, so the refusal reaches the request that caused it. */
  | { ok: false; id: number | null; reason: string };

/**
 * The border of the daemon: a decoded frame becomes a request only here, checked for size first
 * (see checkBounds), then for shape. Nothing before this reads more of the frame than its `id`,
 * and every reason is short whatever the frame held.
 */
export function readRequest(frame: unknown, bounds: Bounds = REQUEST_BOUNDS): RequestCheck {
  const id = readId(frame);
  const tooBig = checkBounds(frame, bounds);
  if (tooBig !== null) return { ok: false, id, reason: `the request is too large: ${tooBig}` };
  if (frame === null || typeof frame !== 'object' || Array.isArray(frame)) {
    return { ok: false, id, reason: `expected an object {id, method, params}, got ${describeValue(frame)}` };
  }
  const { method, params } = frame as Record<string, unknown>;
  if (id === null) {
    return { ok: false, id, reason: `id must be a whole number of at least 0, got ${describeValue((frame as Record<string, unknown>)['id'])}` };
  }
  if (!isMethodName(method)) return { ok: false, id, reason: `unknown method ${describeValue(method)}` };
  if (params !== undefined && (params === null || typeof params !== 'object' || Array.isArray(params))) {
    return { ok: false, id, reason: `params of ${method} must be an object, got ${describeValue(params)}` };
  }
  return { ok: true, request: { id, method, params: params ?? {} } };
}

/** The id, when the frame is an object whose own `id` is a usable number; reading it walks nothing. */
function readId(frame: unknown): number | null {
  if (frame === null || typeof frame !== 'object' || Array.isArray(frame) || !Object.hasOwn(frame, 'id')) return null;
  const id = (frame as { id: unknown }).id;
  return typeof id === 'number' && Number.isSafeInteger(id) && id >= 0 ? id : null;
}

/**
 * Checks of params that every handler of a method would otherwise repeat, made once at the
 * border: an app's environment (start, restart and reload --update-env) must be a flat map of
 * strings. Throws E_USAGE naming what is wrong.
 */
export function checkParams(method: MethodName, params: unknown): void {
  const fields = params as Record<string, unknown>;
  if ((method === 'restart' || method === 'reload') && fields['env'] !== undefined) {
    checkEnv(`${method}: env`, fields['env']);
  }
  if (method === 'start' && fields['kind'] === 'script') {
    const input = fields['input'];
    if (input !== null && typeof input === 'object' && (input as Record<string, unknown>)['env'] !== undefined) {
      checkEnv('start: env', (input as Record<string, unknown>)['env']);
    }
  }
}

/** The error a refused frame gets, with the request id when it could be read. */
export function protocolError(reason: string): TsmError {
  return new TsmError('E_PROTOCOL', `bad request: ${reason}. Check that the client speaks tsm's protocol (one JSON object per line).`);
}
