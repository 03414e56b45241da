import { closeSync, openSync, readSync } from 'node:fs';

/**
 * CPU and memory of processes on Linux, read from /proc/<pid>/stat without pidusage's per-call
 * work. pidusage reads each pid on the libuv thread pool (one round trip and one event-loop
 * wake-up per pid per sample), re-reads /proc/uptime each call, and allocates two 1 KB buffers,
 * a split array of ~50 strings and a history object per pid per call. Here one sample is one
 * synchronous pass: procfs is generated from kernel memory and never waits on a disk, so a
 * read takes microseconds, less than a thread-pool round trip. One buffer serves every read,
 * numbers are parsed from its bytes, and each pid's file stays open between samples (closed
 * when the pid is no longer asked for).
 */

/** USER_HZ, the unit of utime/stime in /proc: 100 in the kernel's ABI on every architecture Node runs on. */
const TICKS_PER_SECOND = 100;
/** /proc/<pid>/stat is about 300 bytes; a command name is at most 64. */
const STAT_BYTES = 1024;

export interface Usage {
  /** Percent of one core since the previous sample (0 on the first). */
  cpu: number;
  /** Resident set size in bytes. */
  memory: number;
}

interface Tracked {
  fd: number;
  ticks: number;
  at: number;
  pass: number;
}

/**
 * One sample is begin(), read() for each pid, end(). Nothing is allocated per read once a pid's
 * file is open: the result is written into the caller's object.
 */
export class ProcStat {
  private readonly buffer = Buffer.allocUnsafe(STAT_BYTES);
  private readonly tracked = new Map<number, Tracked>();
  private pass = 0;
  private now = 0;
  private pageSize = 0;

  begin(now = performance.now()): void {
    this.pass += 1;
    this.now = now;
    if (this.pageSize === 0) this.pageSize = pageSizeOf(this.buffer);
  }

  /** Writes the usage of `pid` into `into`; false when it cannot be read (the process is gone). */
  read(pid: number, into: Usage): boolean {
    let entry = this.tracked.get(pid);
    try {
      if (!entry) {
        entry = { fd: openSync(`/proc/${pid}/stat`, 'r'), ticks: -1, at: this.now, pass: this.pass };
        this.tracked.set(pid, entry);
      }
      entry.pass = this.pass;
      const length = readSync(entry.fd, this.buffer, 0, STAT_BYTES, 0);
      const ticks = statField(this.buffer, length, 14) + statField(this.buffer, length, 15);
      const rssPages = statField(this.buffer, length, 24);
      if (Number.isNaN(ticks) || Number.isNaN(rssPages)) return false;
      const seconds = (this.now - entry.at) / 1000;
      into.cpu = entry.ticks < 0 || seconds <= 0 ? 0 : Math.max(0, ((ticks - entry.ticks) / TICKS_PER_SECOND / seconds) * 100);
      into.memory = rssPages * this.pageSize;
      entry.ticks = ticks;
      entry.at = this.now;
      return true;
    } catch {
      // ENOENT on open, ESRCH on read: the process is gone; end() closes its file.
      if (entry) entry.pass = -1;
      return false;
    }
  }

  /** Forgets the pids not read since begin(), closing their files. */
  end(): void {
    for (const [pid, entry] of this.tracked) {
      if (entry.pass === this.pass) continue;
      closeSync(entry.fd);
      this.tracked.delete(pid);
    }
  }

  /** Closes every file kept open. */
  clear(): void {
    for (const entry of this.tracked.values()) closeSync(entry.fd);
    this.tracked.clear();
  }
}

/**
 * Field `field` (1-based, as in proc(5): 14 utime, 15 stime, 24 rss) of a stat line as a number,
 * NaN if absent. Counted from the last ')': the command name (field 2) may hold spaces and ')'.
 */
export function statField(buffer: Buffer, length: number, field: number): number {
  let index = buffer.lastIndexOf(0x29 /* ) */, length - 1);
  if (index < 0) return NaN;
  let current = 3;
  for (index += 2; index < length && current < field; index += 1) if (buffer[index] === 0x20) current += 1;
  if (current !== field) return NaN;
  let value = 0;
  let digits = 0;
  for (; index < length; index += 1) {
    const byte = buffer[index]!;
    if (byte < 0x30 || byte > 0x39) break;
    value = value * 10 + (byte - 0x30);
    digits += 1;
  }
  return digits > 0 ? value : NaN;
}

/**
 * The page size, without running `getconf PAGESIZE` in a shell as pidusage does: our own rss
 * in bytes over our own rss in pages, rounded to a power of two (4 KB, 16 KB or 64 KB).
 */
function pageSizeOf(buffer: Buffer): number {
  const fd = openSync('/proc/self/stat', 'r');
  try {
    const bytes = process.memoryUsage.rss();
    const pages = statField(buffer, readSync(fd, buffer, 0, STAT_BYTES, 0), 24);
    if (!(pages > 0)) return 4096;
    return 2 ** Math.round(Math.log2(bytes / pages));
  } finally {
    closeSync(fd);
  }
}
