import type { AppSpec } from '../../core/app-spec.js';
import { ClusterProcess } from './cluster-process.js';
import { ForkProcess } from './fork-process.js';
import type { RunningProcess } from './running-process.js';

/** Creates the OS process of an app instance; tests hand the supervisor fake ones instead. */
export type SpawnProcess = (spec: AppSpec, env: NodeJS.ProcessEnv) => RunningProcess;

export const spawnRealProcess: SpawnProcess = (spec, env) =>
  spec.execMode === 'cluster' ? new ClusterProcess(spec, env) : new ForkProcess(spec, env);
