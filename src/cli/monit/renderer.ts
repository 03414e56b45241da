const ESC = '\u001b[';

/**
 * Turns frames (arrays of screen lines) into the bytes that update the terminal: the first frame
 * (or the first after `reset`, e.g. on resize) clears and draws everything; later ones move the
 * cursor to each line that changed and rewrite that line alone. Lines come padded to the full
 * width, so a rewrite covers the old text without an erase-to-end-of-line, which on the last
 * column would erase the line's last character on some terminals.
 */
export class FrameRenderer {
  private previous: readonly string[] | null = null;

  reset(): void {
    this.previous = null;
  }

  /** The bytes to write for `lines`; '' when nothing changed. */
  frame(lines: readonly string[]): string {
    const previous = this.previous;
    const full = previous === null || previous.length !== lines.length;
    let out = full ? `${ESC}0m${ESC}H${ESC}2J` : '';
    lines.forEach((line, i) => {
      if (!full && previous[i] === line) return;
      out += `${ESC}${i + 1};1H${line}`;
    });
    this.previous = [...lines];
    return out;
  }
}
