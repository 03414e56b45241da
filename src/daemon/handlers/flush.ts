import { lstat } from 'node:fs/promises';
import type { Params, Result } from '../../protocol/methods.js';
import { truncateLog } from '../logs/open-log.js';
import type { DaemonState } from '../state.js';

/**
 * `tsm flush [targets]`: empties the log files of the apps (all when none is named), keeping
 * rotated ones. A file a running process writes is flushed through its writer, which keeps its
 * place and lets overlapping flushes share one; a file nobody writes is cut by path, never
 * through a symbolic link.
 */
export async function handleFlush(state: DaemonState, params: Params<'flush'>): Promise<Result<'flush'>> {
  const entries = params?.targets && params.targets.length > 0 ? state.registry.resolve(params.targets) : state.registry.all();
  const files = [...new Set(entries.flatMap((e) => [e.logs.out, e.logs.err, e.logs.combined]))].filter(
    (path): path is string => path !== null,
  );
  await Promise.all(files.map((path) => flushFile(state, path)));
  state.logger.info(`flushed ${files.length} log file(s)`);
  return { files };
}

async function flushFile(state: DaemonState, path: string): Promise<void> {
  const open = state.sinks.get(path);
  if (open) {
    await open.flush();
    return;
  }
  if (await truncateLog(path)) return;
  const stats = await lstat(path).catch(() => null);
  if (stats?.isSymbolicLink()) state.logger.warn(`flush: ${path} is a symbolic link, left alone (tsm does not write through links)`);
}
