import { TsmError } from '../../core/errors.js';
import type { LogLine } from '../../protocol/events.js';
import type { Params, Result } from '../../protocol/methods.js';
import { toInfo } from '../registry.js';
import type { DaemonState } from '../state.js';
import type { RequestContext } from './context.js';
import { daemonInfo } from './daemon-info.js';

/** A subscriber further behind than this loses lines (counted and told), not the daemon's memory. */
const MAX_PENDING_BYTES = 4 * 1024 * 1024;
/**
 * A process table replaces the one before: a subscriber that has not read the last (its unread
 * output is past this) gets none until it has, instead of a queue of stale tables. A table is
 * built only for a subscriber that will get it.
 */
const TABLE_PENDING_BYTES = 64 * 1024;

/**
 * Live lines and process tables for `tsm logs` and `tsm monit`, pushed as they happen. Which
 * processes are followed is decided per line (by id and name), so apps started later appear.
 */
export async function handleSubscribe(
  state: DaemonState,
  params: Params<'subscribe'>,
  ctx: RequestContext,
): Promise<Result<'subscribe'>> {
  const topics = new Set(Array.isArray(params.topics) ? params.topics : []);
  if (topics.size === 0 || [...topics].some((t) => t !== 'logs' && t !== 'processes')) {
    throw new TsmError('E_USAGE', "subscribe: topics must be a non-empty list of 'logs' and 'processes'.");
  }
  const { targets, streams } = params;
  if (targets !== undefined && (!Array.isArray(targets) || targets.some((t) => typeof t !== 'string'))) {
    throw new TsmError('E_USAGE', 'subscribe: targets must be a list of app names or ids.');
  }
  if (streams !== undefined && (!Array.isArray(streams) || streams.some((s) => s !== 'out' && s !== 'err'))) {
    throw new TsmError('E_USAGE', "subscribe: streams must be a list of 'out' and 'err'.");
  }
  const wants = lineFilter(state, targets, streams);
  let skipped = 0;
  const onLine = (line: LogLine): void => {
    if (!wants(line)) return;
    if (ctx.pendingBytes() > MAX_PENDING_BYTES) {
      skipped += 1;
      return;
    }
    if (skipped > 0) {
      ctx.emit('lines-skipped', { count: skipped });
      skipped = 0;
    }
    ctx.emit('log-line', line);
  };
  const onSample = (): void => {
    if (ctx.pendingBytes() > TABLE_PENDING_BYTES) return;
    ctx.emit('processes', { processes: state.registry.all().map((entry) => toInfo(entry)), daemon: daemonInfo(state) });
  };
  if (topics.has('logs')) state.hub.on('line', onLine);
  if (topics.has('processes')) state.hub.on('sample', onSample);
  ctx.onClose(() => {
    state.hub.off('line', onLine);
    state.hub.off('sample', onSample);
  });
  if (topics.has('processes')) setImmediate(onSample); // the first table right after the reply
  return { subscribed: true };
}

/**
 * Targets are checked once (an unknown name is an error now, not silence forever), then matched
 * per line by name or id, so an app restarted or reloaded under new pids is still followed, and
 * `tsm logs 3` shows id 3 alone while `tsm logs web` shows every instance of web.
 */
function lineFilter(state: DaemonState, targets: string[] | undefined, streams: Array<'out' | 'err'> | undefined) {
  const all = !targets || targets.length === 0 || targets.includes('all');
  if (!all) state.registry.resolve(targets);
  const ids = new Set((targets ?? []).filter((t) => /^\d+$/.test(t)).map(Number));
  const names = new Set((targets ?? []).filter((t) => !/^\d+$/.test(t)));
  const streamSet = new Set<string>(streams && streams.length > 0 ? streams : ['out', 'err']);
  return (line: LogLine): boolean => {
    if (line.stream === 'daemon') return all;
    if (!streamSet.has(line.stream)) return false;
    return all || ids.has(line.id) || names.has(line.name);
  };
}
