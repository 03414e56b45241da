export type LogLevel = 'info' | 'warn' | 'error';

/**
 * The daemon's own log: one timestamped line per event (start, stop, crash, restart), written to
 * <home>/daemon.log (whose file the daemon's stdout and stderr also point at, for anything Node
 * itself prints).
 */
export class Logger {
  constructor(
    private readonly sink: { write(text: string): unknown },
    private readonly onLine: (line: string) => void = () => {},
  ) {}

  info(message: string): void {
    this.write('info', message);
  }

  warn(message: string): void {
    this.write('warn', message);
  }

  error(message: string, error?: unknown): void {
    const detail = error instanceof Error ? `\n${error.stack ?? error.message}` : error ? ` ${String(error)}` : '';
    this.write('error', `${message}${detail}`);
  }

  private write(level: LogLevel, message: string): void {
    const line = `${new Date().toISOString()} ${level.padEnd(5)} ${message}`;
    this.sink.write(`${line}\n`);
    this.onLine(line);
  }
}
