import { afterEach, describe, expect, it } from 'vitest';
import { idleSummary } from '../../src/daemon/foreground/idle-watch.js';
import { handlers } from '../../src/daemon/handlers/index.js';
import { fakeDaemon, type FakeDaemon } from '../helpers/fake-daemon.js';
import { waitFor } from '../helpers/wait.js';

/** When tsm-runtime gives up (no app left running), through the real handlers with fake processes. */
let d: FakeDaemon;
afterEach(() => d.dispose());

function start(name: string, input: Parameters<FakeDaemon['spec']>[0] = {}) {
  const spec = d.spec({ name, ...input });
  return handlers.start(d.state, { kind: 'script', input: { ...spec, logs: { out: 'NULL', err: 'NULL' } }, force: false }, d.ctx);
}

describe("tsm-runtime's idle check", () => {
  it('is not idle while one app runs, nor while an operation on an app is under way', async () => {
    d = fakeDaemon();
    await start('a');
    await start('b', { autorestart: false });
    d.spawned[1]!.crash(0);
    await waitFor('b stopped', () => d.state.registry.byName('b')[0]?.status === 'stopped');
    expect(idleSummary(d.state)).toBeNull(); // a runs
    await handlers.stop(d.state, { targets: ['a'] }, d.ctx);
    expect(idleSummary(d.state)).toBe('a-0: stopped, b-1: stopped');
    // A restart passes through 'stopped' between its stop and its start: its owner is busy then.
    let release: () => void = () => {};
    const held = d.state.owners.of('b').submit('restart', () => new Promise<void>((resolve) => (release = resolve)));
    await waitFor('the operation to run', () => d.state.owners.busy().includes('b'));
    expect(idleSummary(d.state)).toBeNull();
    release();
    await held;
    expect(idleSummary(d.state)).toBe('a-0: stopped, b-1: stopped');
  });

  it('is idle once every app is stopped or errored, and names each', async () => {
    d = fakeDaemon();
    await start('a', { autorestart: false });
    d.spawned[0]!.crash(0);
    await waitFor('a stopped', () => d.state.registry.byName('a')[0]?.status === 'stopped');
    expect(idleSummary(d.state)).toBe('a-0: stopped');
    await handlers.delete(d.state, { targets: ['a'] }, d.ctx);
    expect(idleSummary(d.state)).toBe('no app is left (deleted)');
  });
});
