import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { withDaemon } from '../../src/cli/daemon-call.js';
import type { CliContext } from '../../src/cli/context.js';
import { homePaths, type HomePaths } from '../../src/core/paths.js';
import { Logger } from '../../src/daemon/logger.js';
import type { HandlerTable } from '../../src/daemon/handlers/index.js';
import { listen } from '../../src/daemon/server.js';
import type { ControlSocket } from '../../src/daemon/socket/control-socket.js';
import { Notices } from '../../src/daemon/socket/notices.js';
import type { DaemonState } from '../../src/daemon/state.js';
import { RawClient } from '../helpers/raw-client.js';

/**
 * The server's hello, with a stand-in daemon: the real socket server in this process, over a
 * state that holds only what the server reads (nothing in the daemon adds notices yet).
 */
let home: string;
let control: ControlSocket | null = null;
afterEach(() => {
  control?.close();
  control = null;
  rmSync(home, { recursive: true, force: true });
});

async function standIn(): Promise<{ paths: HomePaths; notices: Notices }> {
  home = mkdtempSync(join(tmpdir(), 'tsm-n-'));
  const paths = homePaths(home);
  const notices = new Notices();
  const state = { paths, notices, logger: new Logger({ write: () => true }), shuttingDown: false } as unknown as DaemonState;
  const handlers = { ping: async () => ({ pid: process.pid }) } as unknown as HandlerTable;
  control = await listen(state, handlers);
  return { paths, notices };
}

function context(paths: HomePaths): { ctx: CliContext; stderr: () => string } {
  let stderr = '';
  const ctx: CliContext = {
    paths,
    env: { NO_COLOR: '1' },
    cwd: paths.home,
    stdout: { write: () => true },
    stderr: { write: (text: string) => (stderr += text) },
    stdin: () => process.stdin,
    scriptArgs: [],
  };
  return { ctx, stderr: () => stderr };
}

describe('notices in the hello', () => {
  it('go to the next connection only, in order', async () => {
    const { paths, notices } = await standIn();
    const first = await RawClient.open(paths.socket);
    first.client.close();
    expect(first.hello.notices).toBeUndefined();
    notices.add('apps.json was corrupt; it was set aside');
    notices.add('the daemon had crashed; its apps were restored');
    const second = await RawClient.open(paths.socket);
    second.client.close();
    expect(second.hello.notices).toEqual(['apps.json was corrupt; it was set aside', 'the daemon had crashed; its apps were restored']);
    const third = await RawClient.open(paths.socket);
    third.client.close();
    expect(third.hello.notices).toBeUndefined();
  });

  it('are printed by the CLI on stderr as warnings, once', async () => {
    const { paths, notices } = await standIn();
    notices.add('apps.json was corrupt; it was set aside');
    const { ctx, stderr } = context(paths);
    const answer = await withDaemon(ctx, false, (daemon) => daemon!.request('ping', {}));
    expect(answer).toEqual({ pid: process.pid });
    expect(stderr()).toBe('warning apps.json was corrupt; it was set aside\n');
    await withDaemon(ctx, false, (daemon) => daemon!.request('ping', {}));
    expect(stderr()).toBe('warning apps.json was corrupt; it was set aside\n');
  });
});
