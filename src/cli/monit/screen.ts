import type { Size } from './layout.js';
import { parseKeys } from './keys.js';
import { FrameRenderer } from './renderer.js';

/** The parts of process.stdin the screen uses (a tty.ReadStream when it is a terminal). */
export interface TerminalInput {
  isTTY?: boolean;
  isRaw?: boolean;
  setRawMode?(mode: boolean): unknown;
  setEncoding(encoding: BufferEncoding): unknown;
  on(event: 'data', listener: (chunk: string) => void): unknown;
  off(event: 'data', listener: (chunk: string) => void): unknown;
  resume(): unknown;
  pause(): unknown;
}

/** The parts of process.stdout the screen uses (a tty.WriteStream when it is a terminal). */
export interface TerminalOutput {
  write(text: string): unknown;
  columns?: number;
  rows?: number;
  on(event: 'resize', listener: () => void): unknown;
  off(event: 'resize', listener: () => void): unknown;
}

export interface ScreenHandlers {
  keys(keys: string[]): void;
  resize(): void;
  /** SIGTERM, SIGHUP or an outside SIGINT: leave as `q` does, with the terminal restored. */
  signal(): void;
}

const CSI = '\u001b[';
// Alternate screen (the shell's screen comes back intact on exit), cursor hidden, and line wrap
// off: a line that is one column too wide (a wide character measured wrong) is cut by the
// terminal instead of pushing every line below it down.
const ENTER = `${CSI}?1049h${CSI}?25l${CSI}?7l`;
const LEAVE = `${CSI}0m${CSI}?7h${CSI}?25h${CSI}?1049l`;
const SIGNALS = ['SIGTERM', 'SIGHUP', 'SIGINT'] as const;

/**
 * The terminal while monit runs: raw input (keys arrive one by one, without echo), the alternate
 * screen, resize events, and frames drawn through the diffing renderer. `close` undoes all of it
 * exactly and is safe to call twice.
 */
export class Screen {
  private readonly renderer = new FrameRenderer();
  private wasRaw = false;
  private open = false;
  private handlers: ScreenHandlers | null = null;
  private readonly onData = (chunk: string): void => this.handlers?.keys(parseKeys(chunk));
  private readonly onResize = (): void => {
    this.renderer.reset();
    this.handlers?.resize();
  };
  private readonly onSignal = (): void => this.handlers?.signal();

  constructor(
    private readonly input: TerminalInput,
    private readonly output: TerminalOutput,
  ) {}

  size(): Size {
    return { columns: this.output.columns ?? 80, rows: this.output.rows ?? 24 };
  }

  start(handlers: ScreenHandlers): void {
    if (this.open) return;
    this.open = true;
    this.handlers = handlers;
    this.wasRaw = this.input.isRaw ?? false;
    this.input.setRawMode?.(true);
    this.input.setEncoding('utf8');
    this.input.on('data', this.onData);
    this.input.resume();
    this.output.on('resize', this.onResize);
    for (const signal of SIGNALS) process.on(signal, this.onSignal);
    this.write(ENTER);
  }

  draw(lines: readonly string[]): void {
    if (!this.open) return;
    const bytes = this.renderer.frame(lines);
    if (bytes !== '') this.write(bytes);
  }

  close(): void {
    if (!this.open) return;
    this.open = false;
    this.handlers = null;
    for (const signal of SIGNALS) process.off(signal, this.onSignal);
    this.output.off('resize', this.onResize);
    this.input.off('data', this.onData);
    this.input.setRawMode?.(this.wasRaw);
    this.input.pause();
    this.write(LEAVE);
  }

  /** A terminal that went away (SSH dropped) must not turn the way out into a crash. */
  private write(bytes: string): void {
    try {
      this.output.write(bytes);
    } catch {
      // nothing left to draw on
    }
  }
}
