import type { ChildProcess } from 'node:child_process';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { buildAppSpec } from '../../src/core/app-spec.js';
import { ClusterProcess } from '../../src/daemon/process/cluster-process.js';
import { ForkProcess } from '../../src/daemon/process/fork-process.js';
import type { RunningProcess } from '../../src/daemon/process/running-process.js';
import { FIXTURES } from '../helpers/tsm.js';

let started: RunningProcess[] = [];
afterEach(async () => {
  for (const proc of started) proc.signal('SIGKILL');
  await Promise.all(started.map((proc) => proc.exited));
  started = [];
});

/** The OS process underneath, which emits 'error' (a failed kill or send) as often as they fail. */
function childOf(proc: RunningProcess): ChildProcess {
  const inner = proc as unknown as { child?: ChildProcess; worker?: { process: ChildProcess } };
  return inner.child ?? inner.worker!.process;
}

describe.each([
  ['fork', (script: string) => new ForkProcess(buildAppSpec({ script, cwd: FIXTURES }, 1), {})],
  ['cluster', (script: string) => new ClusterProcess(buildAppSpec({ script, cwd: FIXTURES, execMode: 'cluster', instances: 1 }, 1), {})],
])('a %s process', (_mode, create) => {
  // A listener added with once() is gone after the first 'error', and a second one with no
  // listener throws in the daemon.
  it("survives a second 'error' event from its child process, and keeps running", async () => {
    const proc = create(join(FIXTURES, 'idle.js'));
    started.push(proc);
    await new Promise<void>((resolve) => proc.once('up', () => resolve()));
    const child = childOf(proc);
    expect(() => {
      child.emit('error', new Error('first'));
      child.emit('error', new Error('second'));
    }).not.toThrow();
    expect(proc.hasExited).toBe(false);
  });
});
