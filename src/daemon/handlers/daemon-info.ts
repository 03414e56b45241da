import process from 'node:process';
import type { DaemonInfo } from '../../protocol/process-info.js';
import { TSM_VERSION } from '../../protocol/version.js';
import type { DaemonState } from '../state.js';

/** What the daemon says about itself, for `ping` and the header of `monit`. */
export function daemonInfo(state: DaemonState): DaemonInfo {
  return {
    pid: process.pid,
    version: TSM_VERSION,
    nodeVersion: process.version,
    nodeFlags: process.execArgv,
    home: state.paths.home,
    startedAt: state.startedAt,
    rss: process.memoryUsage.rss(),
    processes: state.registry.all().length,
    sampleIntervalMs: state.sampler.intervalMs,
  };
}
