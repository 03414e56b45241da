import type { DaemonConnection } from '../../client/connection.js';
import { asTsmError, TsmError } from '../../core/errors.js';
import type { Events } from '../../protocol/events.js';
import type { Palette } from '../render/colors.js';
import { layout } from './layout.js';
import type { Screen } from './screen.js';
import {
  applyKey,
  applyLogLine,
  applyNotice,
  applyProcesses,
  applySkipped,
  initialState,
  type Effect,
  type MonitState,
} from './state.js';

export interface MonitOptions {
  connection: DaemonConnection;
  screen: Screen;
  colors: Palette;
  daemonLog: string;
  now?: () => number;
}

/** However fast the apps log, at most 25 frames a second are drawn. */
const FRAME_MS = 40;
const ACTION_TIMEOUT_MS = 120_000;


/**
 * Wires the parts: events pushed by the daemon and keys typed by the user go through the pure
 * reducers into the state; a frame is drawn from the state at most every FRAME_MS; effects
 * (quit, restart, stop) are carried out here. Resolves when the user quits; rejects, with the
 * terminal already restored, when the daemon goes away.
 */
export async function runMonit(options: MonitOptions): Promise<void> {
  const { connection, screen, colors } = options;
  const now = options.now ?? Date.now;
  let state: MonitState = initialState();
  let timer: NodeJS.Timeout | null = null;
  let lastDraw = 0;
  let finished = false;
  let settle: (error?: Error) => void = () => {};
  const done = new Promise<void>((resolve, reject) => {
    settle = (error) => (error ? reject(error) : resolve());
  });

  const end = (error?: Error): void => {
    if (finished) return;
    finished = true;
    if (timer) clearTimeout(timer);
    screen.close();
    settle(error);
  };
  const draw = (): void => {
    timer = null;
    if (finished) return;
    lastDraw = now();
    screen.draw(layout(state, screen.size(), { colors, now: lastDraw, nodeVersion: state.daemon?.nodeVersion ?? null }));
  };
  const schedule = (): void => {
    if (finished || timer) return;
    timer = setTimeout(draw, Math.max(0, lastDraw + FRAME_MS - now()));
  };
  // A bug in a reducer must not leave the terminal raw and hidden: it ends monit, restored.
  const guarded = (update: () => void): void => {
    try {
      update();
      schedule();
    } catch (error) {
      end(asTsmError(error));
    }
  };

  const carryOut = async (effect: Exclude<Effect, { kind: 'quit' }>): Promise<void> => {
    const label = `${effect.name} (id ${effect.id})`;
    let text: string;
    let failed = false;
    try {
      const result = await connection.request(effect.kind, { targets: [String(effect.id)] }, { timeoutMs: ACTION_TIMEOUT_MS });
      const verb = effect.kind === 'restart' ? 'restarted' : 'stopped';
      text = result.changed.length > 0 ? `${verb} ${label}` : `nothing to ${effect.kind}: ${label} is gone`;
    } catch (error) {
      text = `${effect.kind} ${label} failed: ${asTsmError(error).message}`;
      failed = true;
    }
    guarded(() => {
      state = applyNotice(state, text, failed, now());
    });
  };

  connection.onEvent((event, data) =>
    guarded(() => {
      if (event === 'processes') state = applyProcesses(state, data as Events['processes']);
      else if (event === 'log-line') state = applyLogLine(state, data as Events['log-line']);
      else if (event === 'lines-skipped') state = applySkipped(state, (data as Events['lines-skipped']).count);
    }),
  );
  await connection.request('subscribe', { topics: ['processes', 'logs'] });
  void connection.waitClosed().then(() =>
    end(
      new TsmError(
        'E_DAEMON_GONE',
        `the daemon closed the connection (stopped by 'tsm kill'?), so monit has nothing to show; ` +
          `run 'tsm monit' again to start a daemon, or see its log: ${options.daemonLog}`,
      ),
    ),
  );

  screen.start({
    keys: (keys) =>
      guarded(() => {
        for (const key of keys) {
          const result = applyKey(state, key, now());
          state = result.state;
          if (result.effect?.kind === 'quit') return end();
          if (result.effect) void carryOut(result.effect);
        }
      }),
    resize: () => schedule(), // the screen has already dropped its previous frame: a full redraw
    signal: () => end(),
  });
  draw();
  return done;
}
