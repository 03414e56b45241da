/**
 * Things the daemon must tell a person but has no terminal for (an apps.json that was corrupt and
 * set aside, apps restored after a crash): held here until the next connection, whose hello
 * carries them to the CLI, which prints them. Bounded, so a daemon nobody talks to for a month
 * does not collect them forever; the oldest go first and the count of dropped ones is told.
 */
export class Notices {
  private texts: string[] = [];
  private dropped = 0;

  constructor(private readonly max = 20) {}

  add(text: string): void {
    this.texts.push(text.length > 1000 ? `${text.slice(0, 999)}…` : text);
    if (this.texts.length > this.max) {
      this.texts.shift();
      this.dropped += 1;
    }
  }

  /** Every notice held, oldest first, and forgets them: each is told once. */
  drain(): string[] {
    const texts = this.texts;
    if (this.dropped > 0) texts.unshift(`${this.dropped} older notice(s) were dropped; see the daemon's log`);
    this.texts = [];
    this.dropped = 0;
    return texts;
  }
}
