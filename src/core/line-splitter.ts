/**
 * Output arrives in chunks, not lines. One splitter per stream of one process turns chunks into
 * whole lines, keeps a partial last line until it completes or `flush()` is called at exit, and
 * cuts a line that grows past `maxLineBytes` so a program that never writes a newline cannot
 * make the daemon buffer without limit.
 */
export class LineSplitter {
  private partial = '';

  constructor(
    private readonly onLine: (line: string) => void,
    private readonly maxLineChars = 64 * 1024,
  ) {}

  push(chunk: string): void {
    let text = this.partial + chunk;
    let start = 0;
    for (let nl = text.indexOf('\n', start); nl !== -1; nl = text.indexOf('\n', start)) {
      const end = nl > start && text.charCodeAt(nl - 1) === 13 ? nl - 1 : nl; // CRLF
      this.onLine(text.slice(start, end));
      start = nl + 1;
    }
    text = text.slice(start);
    while (text.length > this.maxLineChars) {
      this.onLine(text.slice(0, this.maxLineChars));
      text = text.slice(this.maxLineChars);
    }
    this.partial = text;
  }

  /** At exit: a last line without a newline is still a line. */
  flush(): void {
    if (this.partial !== '') {
      const line = this.partial;
      this.partial = '';
      this.onLine(line);
    }
  }
}
