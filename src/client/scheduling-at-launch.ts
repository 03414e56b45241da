import { readFileSync } from 'node:fs';
import { chooseScheduling, type SchedulingPolicy } from '../core/cluster-scheduling.js';
import { parseSettings } from '../core/settings.js';

/**
 * The cluster scheduling policy a daemon started now will choose (daemon/scheduling.ts), known
 * before it starts so that its Node flags can suit it (core/daemon-node-flags.ts). A settings
 * file that cannot be used means the default here as in the daemon, which also says why.
 */
export function schedulingAtLaunch(settingsFile: string, envValue: string | undefined): SchedulingPolicy {
  return chooseScheduling(envValue, savedScheduling(settingsFile)).policy;
}

function savedScheduling(file: string): SchedulingPolicy | undefined {
  try {
    return parseSettings(JSON.parse(readFileSync(file, 'utf8')) as unknown).cluster?.scheduling;
  } catch {
    return undefined;
  }
}
