import { execFile } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { BIN, FIXTURES, TestHome } from '../helpers/tsm.js';
import { waitFor } from '../helpers/wait.js';

/**
 * `tsm monit` end to end, in a real terminal: a tmux server of its own (-S, its socket in the
 * test's temporary directory), so the test never touches a tmux the user runs; the server is
 * killed and the directory removed in cleanup. The screen is read with capture-pane, keys are
 * typed with send-keys.
 */
class Tmux {
  readonly session = 'monit';

  constructor(
    private readonly socket: string,
    private readonly env: NodeJS.ProcessEnv,
  ) {}

  run(args: string[]): Promise<string> {
    return new Promise((resolve, reject) => {
      execFile('tmux', ['-S', this.socket, '-f', '/dev/null', ...args], { env: this.env, timeout: 10_000 }, (error, stdout, stderr) =>
        error ? reject(new Error(`tmux ${args.join(' ')}: ${error.message} ${stderr}`)) : resolve(stdout),
      );
    });
  }

  start(command: string, columns: number, rows: number): Promise<string> {
    return this.run(['new-session', '-d', '-x', String(columns), '-y', String(rows), '-s', this.session, command]);
  }

  screen(): Promise<string> {
    return this.run(['capture-pane', '-p', '-t', this.session]);
  }

  /** A pane variable, e.g. alternate_on, cursor_flag, pane_current_command. */
  async pane(variable: string): Promise<string> {
    return (await this.run(['display-message', '-p', '-t', this.session, `#{${variable}}`])).trim();
  }

  keys(...keys: string[]): Promise<string> {
    return this.run(['send-keys', '-t', this.session, ...keys]);
  }

  /** Waits until the screen matches; the last screen is in the error when it never does. */
  async waitScreen(what: string, matches: (screen: string) => boolean, timeoutMs = 10_000): Promise<string> {
    let last = '';
    try {
      return await waitFor(
        what,
        async () => {
          last = await this.screen();
          return matches(last) ? last : null;
        },
        { timeoutMs, intervalMs: 50 },
      );
    } catch (error) {
      throw new Error(`${(error as Error).message}\n--- screen ---\n${last}`);
    }
  }

  async kill(): Promise<void> {
    await this.run(['kill-server']).catch(() => {}); // already gone: nothing to kill
  }
}

let home: TestHome | null = null;
let tmux: Tmux | null = null;
let scriptDir: string | null = null;

afterEach(async () => {
  await tmux?.kill();
  if (scriptDir) rmSync(scriptDir, { recursive: true, force: true });
  await home?.cleanup();
  [home, tmux, scriptDir] = [null, null, null];
});

/**
 * Opens monit in a fresh tmux pane of `columns` x `rows`, inside a shell script that then prints
 * monit's exit code and the terminal modes it left behind, and starts an interactive shell with
 * a prompt the test can see.
 */
async function openMonit(testHome: TestHome, columns = 120, rows = 40): Promise<Tmux> {
  scriptDir = mkdtempSync(join(tmpdir(), 'tsm-monit-'));
  const script = join(scriptDir, 'run.sh');
  writeFileSync(
    script,
    [
      `cd '${FIXTURES}'`,
      `'${process.execPath}' '${BIN}' monit`,
      'echo "MONIT-EXITED=$?"',
      `echo "MODES: $(stty -a | tr ' ;' '\\n\\n' | grep -x -E -e '-?(echo|icanon)' | tr '\\n' ' ')"`,
      "PS1='shell-ready$ ' exec bash --norc",
      '',
    ].join('\n'),
  );
  const env = testHome.env();
  delete env['TMUX'];
  delete env['TMUX_PANE'];
  tmux = new Tmux(join(scriptDir, 'tmux.sock'), env);
  await tmux.start(`bash --norc '${script}'`, columns, rows);
  return tmux;
}

/** After quitting: exit code 0, echo and line mode back, cursor shown, main screen, a prompt. */
async function expectShellRestored(t: Tmux): Promise<void> {
  const screen = await t.waitScreen('monit to exit and the shell prompt', (s) => s.includes('shell-ready$'));
  expect(screen).toContain('MONIT-EXITED=0');
  expect(screen).toMatch(/MODES: icanon echo/);
  expect(screen).not.toContain('tsm monit'); // the dashboard was on the alternate screen, now gone
  expect(await t.pane('alternate_on')).toBe('0');
  expect(await t.pane('cursor_flag')).toBe('1');
  expect(await t.pane('pane_current_command')).toBe('bash');
  await t.keys('echo typed-$((6*7))', 'Enter');
  await t.waitScreen('the shell to run a typed command', (s) => /^typed-42$/m.test(s));
}

const row = (name: string, id: number) => new RegExp(`^\\s*${id}\\s+${name}\\s`, 'm');
const selectedRow = (name: string, id: number) => new RegExp(`^› +${id}\\s+${name}\\s`, 'm');

describe('tsm monit', () => {
  it('opens with no app, shows apps as they start, follows the selected one, redraws on resize, quits clean', async () => {
    home = new TestHome();
    const t = await openMonit(home);
    // A frame is one write, but capture-pane can land in the middle of it: wait for its last line too.
    const empty = await t.waitScreen('the empty dashboard', (s) => s.includes('no apps yet') && s.includes('q quit'));
    expect(empty).toMatch(/tsm monit\s+daemon pid \d+ · up \d+s · 0 apps · rss [\d.]+mb/);
    expect(empty).toContain('q quit');
    expect(await t.pane('alternate_on')).toBe('1');
    expect(await t.pane('cursor_flag')).toBe('0');

    await home.ok(['start', 'idle.js', '--name', 'alpha']);
    await home.ok(['start', 'idle.js', '--name', 'beta']);
    await home.ok(['start', 'monit-ticker.js', '--name', 'ticker']);
    const listed = await t.waitScreen('the three apps', (s) => row('ticker', 2).test(s) && s.includes('3 apps'));
    expect(listed).toMatch(selectedRow('alpha', 0));
    expect(listed).toMatch(row('beta', 1));
    expect(listed).toMatch(/^› +0\s+alpha\s+fork\s+online\s/m);
    expect(listed).toContain('logs: alpha (id 0)');
    expect(listed).toMatch(/interpreter +node/);
    expect(listed).not.toMatch(/tick \d+/); // the ticker's lines are not shown while alpha is selected

    await t.keys('Down');
    await t.waitScreen('beta selected', (s) => selectedRow('beta', 1).test(s) && s.includes('logs: beta (id 1)'));
    await t.keys('j');
    const ticking = await t.waitScreen(
      "the ticker's stdout and stderr lines",
      // Online once a table sampled after its spawn arrives (tables come each second; lines at once).
      (s) => selectedRow('ticker', 2).test(s) && /out tick \d+/.test(s) && /err tock \d+/.test(s) && /│ ticker \(id 2\) {2}online/.test(s),
    );
    expect(ticking).toContain('logs: ticker (id 2)');
    expect(ticking).toMatch(/│ ticker \(id 2\) {2}online/);
    // Samples arrive once a second: a few of them draw the sparklines.
    await t.waitScreen('cpu and memory sparklines', (s) => /cpu [▁▂▃▄▅▆▇█ ]{3,}/.test(s) && /mem [▁▂▃▄▅▆▇█ ]{3,}/.test(s));

    await t.run(['resize-window', '-t', t.session, '-x', '60', '-y', '20']);
    // Until monit redraws, tmux shows the old frame cropped: wait for the narrow layout's summary.
    const narrow = await t.waitScreen(
      'the narrow layout',
      (s) => /^ticker \(id 2\) online · pid \d+/m.test(s) && /^ q quit/m.test(s),
    );
    const lines = narrow.replace(/\n$/, '').split('\n');
    expect(lines).toHaveLength(20);
    expect(narrow).not.toContain('interpreter'); // the side panel is gone
    expect(lines.at(-1)).toMatch(/^ q quit/);
    expect(narrow).toContain('logs: ticker (id 2)');

    await t.keys('q');
    await expectShellRestored(t);
  });

  it('restarts and stops the selected app after a y/n confirmation, filters by name, quits on Ctrl-C', async () => {
    home = new TestHome();
    await home.ok(['start', 'idle.js', '--name', 'alpha']);
    await home.ok(['start', 'idle.js', '--name', 'beta']);
    const t = await openMonit(home);
    await t.waitScreen('both apps', (s) => row('beta', 1).test(s));

    await t.keys('/', 'b', 'e');
    const filtered = await t.waitScreen('the filter', (s) => s.includes('filter: be_') && !row('alpha', 0).test(s));
    expect(filtered).toMatch(selectedRow('beta', 1));
    await t.keys('Enter');
    await t.waitScreen('the filter kept', (s) => s.includes('filter "be"') && !row('alpha', 0).test(s));

    await t.keys('r');
    await t.waitScreen('the restart question', (s) => s.includes('restart beta (id 1)? y/n'));
    await t.keys('n');
    await t.waitScreen('the restart cancelled', (s) => s.includes('restart cancelled'));
    expect((await home.byName('beta'))[0]!.restarts).toBe(0);
    await t.keys('r');
    await t.waitScreen('the restart question again', (s) => s.includes('restart beta (id 1)? y/n'));
    await t.keys('y');
    await t.waitScreen('the restart done', (s) => s.includes('restarted beta (id 1)'));
    expect((await home.byName('beta'))[0]).toMatchObject({ status: 'online', restarts: 1 });

    await t.keys('Escape');
    await t.waitScreen('the filter cleared', (s) => row('alpha', 0).test(s));
    await t.keys('k', 's');
    await t.waitScreen('the stop question', (s) => s.includes('stop alpha (id 0)? y/n'));
    await t.keys('y');
    await t.waitScreen('alpha stopped', (s) => s.includes('stopped alpha (id 0)') && /^› +0\s+alpha\s+fork\s+stopped/m.test(s));
    expect((await home.byName('alpha'))[0]).toMatchObject({ status: 'stopped', pid: null });

    await t.keys('C-c');
    await expectShellRestored(t);
  });

  it('refuses to run without a terminal and points at tsm list --json', async () => {
    home = new TestHome();
    const result = await home.run(['monit']);
    expect(result.code).toBe(2);
    expect(result.stderr).toContain('needs a terminal');
    expect(result.stderr).toContain('tsm list --json');
    expect(result.stdout).toBe('');
    expect(existsSync(home.paths.socket)).toBe(false); // refused before starting any daemon
  });
});

