/**
 * Output arrives in chunks, not lines. One splitter per stream of one process turns chunks into
 * whole lines, keeps a partial last line until it completes or `flush()` is called at exit, and
 * cuts a line longer than `maxLineChars` into pieces of that size, so a program that never
 * writes a newline cannot make the daemon buffer without limit. The pieces do not depend on how
 * the output was chunked, and a cut never splits a surrogate pair or a CRLF.
 */
export class LineSplitter {
  private partial = '';

  constructor(
    private readonly onLine: (line: string) => void,
    private readonly maxLineChars = 64 * 1024,
  ) {}

  push(chunk: string): void {
    const text = this.partial + chunk;
    let start = 0;
    for (let nl = text.indexOf('\n', start); nl !== -1; nl = text.indexOf('\n', start)) {
      this.emit(text.slice(start, nl));
      start = nl + 1;
    }
    let rest = text.slice(start);
    // A trailing CR may be half of a CRLF: it does not count towards the length until we know.
    while (rest.length - (rest.endsWith('\r') ? 1 : 0) > this.maxLineChars) {
      const cut = this.cutPoint(rest);
      this.onLine(rest.slice(0, cut));
      rest = rest.slice(cut);
    }
    this.partial = rest;
  }

  /** At exit: a last line without a newline is still a line. */
  flush(): void {
    if (this.partial !== '') {
      const line = this.partial;
      this.partial = '';
      this.emit(line);
    }
  }

  private emit(raw: string): void {
    let line = raw.endsWith('\r') ? raw.slice(0, -1) : raw;
    while (line.length > this.maxLineChars) {
      const cut = this.cutPoint(line);
      this.onLine(line.slice(0, cut));
      line = line.slice(cut);
    }
    this.onLine(line);
  }

  /** maxLineChars, or one less when that would split a surrogate pair. */
  private cutPoint(text: string): number {
    const code = text.charCodeAt(this.maxLineChars - 1);
    const highSurrogate = code >= 0xd800 && code <= 0xdbff;
    return highSurrogate && this.maxLineChars > 1 ? this.maxLineChars - 1 : this.maxLineChars;
  }
}
