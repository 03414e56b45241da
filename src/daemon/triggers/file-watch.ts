import { watch, type FSWatcher } from 'node:fs';
import { isAbsolute, join, relative, sep } from 'node:path';

export interface WatchRules {
  paths: readonly string[];
  /** Segments or simple globs (`*.tmp`, `dist`) whose changes never count. */
  ignore: readonly string[];
  /** Files the app itself writes (its logs): a change there must not restart it, or it loops. */
  ownFiles: readonly string[];
  delayMs: number;
}

/**
 * Node's own recursive fs.watch (inotify on Linux, new folders included): no library, no
 * polling, nothing woken while nothing changes. Changes are debounced: a burst (a `git pull`,
 * a build) makes one call, `delayMs` after the last change, naming the first changed file.
 * node_modules and dot-folders are never watched for changes, as PM2 users expect.
 */
export class FileWatch {
  private readonly watchers: FSWatcher[] = [];
  private timer: NodeJS.Timeout | null = null;
  private first: string | null = null;
  private readonly ignore: RegExp[];

  constructor(
    private readonly rules: WatchRules,
    private readonly onChange: (file: string) => void,
    onError: (error: Error) => void,
  ) {
    this.ignore = rules.ignore.map(globToRegExp);
    for (const root of rules.paths) {
      const watcher = watch(root, { recursive: true, persistent: false }, (_event, name) => {
        if (name !== null) this.changed(root, name.toString());
      });
      watcher.on('error', onError);
      this.watchers.push(watcher);
    }
  }

  close(): void {
    for (const watcher of this.watchers.splice(0)) watcher.close();
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
  }

  private changed(root: string, name: string): void {
    const file = isAbsolute(name) ? name : join(root, name);
    if (this.ignored(root, file)) return;
    this.first ??= file;
    if (this.timer) clearTimeout(this.timer);
    this.timer = setTimeout(() => {
      const first = this.first ?? file;
      this.timer = null;
      this.first = null;
      this.onChange(first);
    }, this.rules.delayMs);
  }

  private ignored(root: string, file: string): boolean {
    if (this.rules.ownFiles.some((own) => file === own || file.startsWith(`${own}.`))) return true; // rotated ones too
    const segments = relative(root, file).split(sep);
    if (segments.some((segment) => segment === 'node_modules' || (segment.startsWith('.') && segment !== '.' && segment !== '..'))) {
      return true;
    }
    const rel = relative(root, file);
    return this.ignore.some((pattern) => segments.some((segment) => pattern.test(segment)) || pattern.test(rel) || pattern.test(file));
  }
}

/** `*` matches within a segment, `**` across segments; anything else is literal. */
function globToRegExp(glob: string): RegExp {
  let source = '';
  for (let i = 0; i < glob.length; i += 1) {
    const char = glob[i]!;
    if (char === '*' && glob[i + 1] === '*') {
      source += '.*';
      i += 1;
    } else if (char === '*') {
      source += '[^/]*';
    } else if (char === '?') {
      source += '[^/]';
    } else {
      source += char.replace(/[.+^${}()|[\]\\]/g, '\\$&');
    }
  }
  return new RegExp(`^${source}$`);
}
