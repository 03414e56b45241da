import { describe, expect, it } from 'vitest';
import {
  BACKOFF_CAP_MS,
  BACKOFF_FACTOR,
  BACKOFF_RESET_AFTER_MS,
  decideAfterExit,
  type ExitDecision,
  type ExitFacts,
  type RestartRules,
} from '../../src/core/restart-policy.js';

const RULES: RestartRules = {
  autorestart: true,
  maxRestarts: 16,
  minUptime: 1000,
  restartDelay: 0,
  expBackoffRestartDelay: 0,
  stopExitCodes: [],
};

const CRASH: ExitFacts = { code: 1, signal: null, uptimeMs: 5000, unstableRestarts: 0, previousBackoff: 0 };

function decide(rules: Partial<RestartRules>, facts: Partial<ExitFacts>): ExitDecision {
  return decideAfterExit({ ...RULES, ...rules }, { ...CRASH, ...facts });
}

function restart(decision: ExitDecision): Extract<ExitDecision, { action: 'restart' }> {
  if (decision.action !== 'restart') throw new Error(`expected a restart, got ${JSON.stringify(decision)}`);
  return decision;
}

describe('stop exit codes', () => {
  it('an exit with a stop code is done, even when it came too soon and autorestart is on', () => {
    expect(decide({ stopExitCodes: [0, 3] }, { code: 3 })).toEqual({ action: 'done' });
    expect(decide({ stopExitCodes: [0, 3] }, { code: 0, uptimeMs: 10, unstableRestarts: 50 })).toEqual({
      action: 'done',
    });
  });

  it('other codes and deaths by signal still restart', () => {
    expect(decide({ stopExitCodes: [0, 3] }, { code: 2 }).action).toBe('restart');
    expect(decide({ stopExitCodes: [0, 3] }, { code: null, signal: 'SIGKILL' }).action).toBe('restart');
  });

  it('without stop codes, a clean exit is restarted (PM2 restarts on exit 0 too)', () => {
    expect(decide({}, { code: 0 }).action).toBe('restart');
  });
});

describe('autorestart off', () => {
  it('a clean exit is done', () => {
    expect(decide({ autorestart: false }, { code: 0 })).toEqual({ action: 'done' });
  });

  it('a failure or a signal gives up, saying why', () => {
    for (const facts of [{ code: 1 }, { code: 137 }, { code: null, signal: 'SIGSEGV' }]) {
      const decision = decide({ autorestart: false }, facts);
      expect(decision.action).toBe('give-up');
      expect(decision.action === 'give-up' && decision.reason).toContain('autorestart');
    }
  });
});

describe('unstable restarts', () => {
  it('an exit before min_uptime counts one more unstable restart', () => {
    expect(restart(decide({}, { uptimeMs: 999, unstableRestarts: 0 })).unstableRestarts).toBe(1);
    expect(restart(decide({}, { uptimeMs: 0, unstableRestarts: 4 })).unstableRestarts).toBe(5);
  });

  it('a run of at least min_uptime resets the count', () => {
    expect(restart(decide({}, { uptimeMs: 1000, unstableRestarts: 15 })).unstableRestarts).toBe(0);
    expect(restart(decide({}, { uptimeMs: 60_000, unstableRestarts: 15 })).unstableRestarts).toBe(0);
  });

  it('allows exactly max_restarts unstable restarts, and gives up at the next unstable exit', () => {
    // The boundary: facts.unstableRestarts counts restarts already made. With max 16, the 16th
    // unstable restart still happens; the 17th unstable exit in a row is errored.
    expect(restart(decide({ maxRestarts: 16 }, { uptimeMs: 10, unstableRestarts: 15 })).unstableRestarts).toBe(16);
    const decision = decide({ maxRestarts: 16 }, { uptimeMs: 10, unstableRestarts: 16 });
    expect(decision.action).toBe('give-up');
    expect(decision.action === 'give-up' && decision.reason).toContain('max_restarts is 16');
    expect(decision.action === 'give-up' && decision.reason).toContain('17 times');
  });

  it('walks a crash loop: 16 restarts, then give-up on the 17th exit', () => {
    let unstableRestarts = 0;
    const actions: string[] = [];
    for (let exit = 1; exit <= 20; exit++) {
      const decision = decide({}, { uptimeMs: 50, unstableRestarts });
      actions.push(decision.action);
      if (decision.action !== 'restart') break;
      unstableRestarts = decision.unstableRestarts;
    }
    expect(actions).toEqual([...Array<string>(16).fill('restart'), 'give-up']);
  });

  it('max_restarts 0 gives up at the first unstable exit, but a stable one still restarts', () => {
    expect(decide({ maxRestarts: 0 }, { uptimeMs: 10, unstableRestarts: 0 }).action).toBe('give-up');
    expect(decide({ maxRestarts: 0 }, { uptimeMs: 1000, unstableRestarts: 0 }).action).toBe('restart');
  });

  it('a stable run after many unstable ones is not a give-up', () => {
    expect(decide({ maxRestarts: 2 }, { uptimeMs: 1500, unstableRestarts: 100 }).action).toBe('restart');
  });
});

describe('delays', () => {
  it('no delay and no backoff by default', () => {
    expect(restart(decide({}, {}))).toMatchObject({ delayMs: 0, backoff: 0 });
  });

  it('restart_delay is the delay', () => {
    expect(restart(decide({ restartDelay: 2500 }, {}))).toMatchObject({ delayMs: 2500, backoff: 0 });
  });

  it('the backoff figures are PM2s', () => {
    expect(BACKOFF_FACTOR).toBe(1.5);
    expect(BACKOFF_CAP_MS).toBe(15_000);
    expect(BACKOFF_RESET_AFTER_MS).toBe(30_000);
  });

  it('exponential backoff starts at its base and grows by half each crash, up to 15 s', () => {
    const delays: number[] = [];
    let previousBackoff = 0;
    for (let i = 0; i < 12; i++) {
      const decision = restart(decide({ expBackoffRestartDelay: 1000 }, { uptimeMs: 5000, previousBackoff }));
      expect(decision.delayMs).toBe(decision.backoff);
      delays.push(decision.backoff);
      previousBackoff = decision.backoff;
    }
    expect(delays).toEqual([1000, 1500, 2250, 3375, 5063, 7595, 11393, 15000, 15000, 15000, 15000, 15000]);
  });

  it('the backoff resets to its base after a run of 30 s, and not before', () => {
    expect(restart(decide({ expBackoffRestartDelay: 100 }, { uptimeMs: 30_000, previousBackoff: 8000 })).backoff).toBe(100);
    expect(restart(decide({ expBackoffRestartDelay: 100 }, { uptimeMs: 29_999, previousBackoff: 8000 })).backoff).toBe(
      12_000,
    );
  });

  it('the delay is the larger of restart_delay and the backoff', () => {
    const small = restart(decide({ restartDelay: 2000, expBackoffRestartDelay: 100 }, { previousBackoff: 0 }));
    expect(small).toMatchObject({ delayMs: 2000, backoff: 100 });
    const large = restart(decide({ restartDelay: 2000, expBackoffRestartDelay: 100 }, { previousBackoff: 4000 }));
    expect(large).toMatchObject({ delayMs: 6000, backoff: 6000 });
  });

  it('the backoff keeps growing through unstable restarts until the give-up', () => {
    const decision = restart(
      decide({ expBackoffRestartDelay: 100 }, { uptimeMs: 10, unstableRestarts: 3, previousBackoff: 225 }),
    );
    expect(decision).toMatchObject({ unstableRestarts: 4, backoff: 338, delayMs: 338 });
  });
});
