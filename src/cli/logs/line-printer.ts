import { formatDate } from '../../core/log-format.js';
import type { Palette } from '../render/colors.js';

export interface PrintOptions {
  raw: boolean;
  json: boolean;
  /** Live lines get the time they arrived, in this format; null: none. */
  timestamp: string | null;
}

export interface PrintedLine {
  id: number;
  name: string;
  stream: 'out' | 'err' | 'daemon';
  line: string;
  at?: number;
}

/**
 * Turns lines into what `tsm logs` prints: `id|name | line` with a colour per app (stderr's tag
 * in red), the bare line with --raw, or a JSON object with --json.
 */
export class LinePrinter {
  private readonly width: number;

  constructor(
    private readonly colors: Palette,
    private readonly options: PrintOptions,
    names: string[],
  ) {
    this.width = Math.max(3, ...names.map((name) => name.length));
  }

  format(entry: PrintedLine): string {
    if (this.options.json) {
      return JSON.stringify({
        id: entry.id,
        app: entry.name,
        stream: entry.stream,
        message: entry.line,
        ...(entry.at !== undefined ? { at: new Date(entry.at).toISOString() } : {}),
      });
    }
    const time = entry.at !== undefined && this.options.timestamp ? `${formatDate(entry.at, this.options.timestamp)} ` : '';
    if (this.options.raw) return `${time}${entry.line}`;
    const label = entry.stream === 'daemon' ? `tsm`.padEnd(this.width + 2) : `${entry.id}|${entry.name.padEnd(this.width)}`;
    const tag = entry.stream === 'err' ? this.colors.red(`${label} |`) : this.paint(entry.id, `${label} |`);
    return `${this.colors.dim(time)}${tag} ${entry.line}`;
  }

  private paint(id: number, text: string): string {
    const palette = [this.colors.cyan, this.colors.green, this.colors.yellow, this.colors.bold];
    return (palette[Math.abs(id) % palette.length] ?? this.colors.cyan)(text);
  }
}
