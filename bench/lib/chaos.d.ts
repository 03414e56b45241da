// Types for the tests that import chaos.js (the bench itself is plain JavaScript).
export interface ChaosApp {
  name: string;
  /** Arguments of `tsm start` for this app, script first. */
  start: string[];
}
export interface ChaosOptions {
  cmd: (args: string[]) => Promise<number>;
  seed: number;
  durationMs: number;
  concurrency?: number;
  maxGapMs?: number;
  apps: ChaosApp[];
}
export interface ChaosLogLine {
  args: string;
  code: number;
  ms: number;
}
export function random(seed: number): () => number;
export function runChaos(options: ChaosOptions): Promise<ChaosLogLine[]>;
export function processesOfHome(home: string): number[];
export function checkInvariants(input: {
  home: string;
  daemonPid: number;
  processes: Array<{ id: number; name: string; instance: number; pid: number | null }>;
}): { untracked: number[]; deadListed: number[]; duplicates: string[] };
