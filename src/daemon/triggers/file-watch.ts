import { watch, type FSWatcher } from 'node:fs';
import { readdir, stat } from 'node:fs/promises';
import { join, relative, sep } from 'node:path';

export interface WatchRules {
  paths: readonly string[];
  /** Segments or simple globs (`*.tmp`, `dist`) whose changes never count. */
  ignore: readonly string[];
  /** Files the app itself writes (its logs): a change there must not restart it, or it loops. */
  ownFiles: readonly string[];
  delayMs: number;
}

/** Past this many folders, the rest of a tree is not watched (and the daemon log says so). */
const MAX_FOLDERS = 20_000;

/**
 * One inotify watch per folder, not per file: Node 20's recursive fs.watch walks the whole tree
 * synchronously on the daemon's thread and watches every file (a 20,000-file tree stalled the
 * daemon ~2 s and cost ~69 MB). Here the tree is walked asynchronously, folders the rules ignore
 * (node_modules, dot-folders, ignore_watch) are never entered, and a folder created later is
 * watched when it appears. Changes are debounced: a burst (a `git pull`, a build) makes one
 * call, `delayMs` after the last change, naming the first changed file. Nothing polls.
 */
export class FileWatch {
  private readonly folders = new Map<string, FSWatcher>();
  private timer: NodeJS.Timeout | null = null;
  private first: string | null = null;
  private closed = false;
  private warned = false;
  private readonly ignore: RegExp[];

  constructor(
    private readonly rules: WatchRules,
    private readonly onChange: (file: string) => void,
    private readonly onError: (error: Error) => void,
  ) {
    this.ignore = rules.ignore.map(globToRegExp);
    for (const root of rules.paths) void this.add(root, root);
  }

  close(): void {
    this.closed = true;
    for (const watcher of this.folders.values()) watcher.close();
    this.folders.clear();
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
  }

  /** Watches `dir` and, walking asynchronously, every folder below it the rules do not ignore. */
  private async add(root: string, dir: string): Promise<void> {
    if (this.closed || this.folders.has(dir)) return;
    if (this.folders.size >= MAX_FOLDERS) {
      if (!this.warned) this.onError(new Error(`more than ${MAX_FOLDERS} folders under ${root}: the rest is not watched`));
      this.warned = true;
      return;
    }
    let watcher: FSWatcher;
    try {
      watcher = watch(dir, { persistent: false }, (_event, name) => {
        if (name !== null) void this.changed(root, join(dir, name.toString()));
      });
    } catch (error) {
      if (dir === root) this.onError(error as Error);
      return; // a folder that went away while we walked
    }
    watcher.on('error', () => {
      // The folder was removed or renamed: its watch ends; the parent reports the change.
      watcher.close();
      this.folders.delete(dir);
    });
    this.folders.set(dir, watcher);
    const entries = await readdir(dir, { withFileTypes: true }).catch(() => []);
    for (const entry of entries) {
      if (entry.isDirectory() && !this.ignored(root, join(dir, entry.name))) await this.add(root, join(dir, entry.name));
    }
  }

  private async changed(root: string, file: string): Promise<void> {
    if (this.ignored(root, file)) return;
    // A folder created (or moved in) after the walk is watched from now on.
    const info = await stat(file).catch(() => null);
    if (info?.isDirectory()) void this.add(root, file);
    this.first ??= file;
    if (this.timer) clearTimeout(this.timer);
    this.timer = setTimeout(() => {
      const first = this.first ?? file;
      this.timer = null;
      this.first = null;
      if (!this.closed) this.onChange(first);
    }, this.rules.delayMs);
  }

  private ignored(root: string, file: string): boolean {
    if (this.rules.ownFiles.some((own) => file === own || file.startsWith(`${own}.`))) return true; // rotated ones too
    const rel = relative(root, file);
    const segments = rel.split(sep);
    if (segments.some((segment) => segment === 'node_modules' || (segment.startsWith('.') && segment !== '.' && segment !== '..'))) {
      return true;
    }
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
