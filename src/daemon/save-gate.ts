/**
 * Saves of the app list, held back while a crashed daemon's apps are restored: until every saved
 * app is back, the file on disk is the only full record of them, so a second crash during the
 * restore must find it as it was. Saves asked for meanwhile are made once, at the release.
 */
export class SaveGate {
  private held = false;
  private missed = false;

  constructor(private readonly write: () => Promise<void>) {}

  save(): Promise<void> {
    if (this.held) {
      this.missed = true;
      return Promise.resolve();
    }
    return this.write();
  }

  hold(): void {
    this.held = true;
  }

  /** Lets saves through again, and makes the one that was held back. */
  release(): Promise<void> {
    this.held = false;
    if (!this.missed) return Promise.resolve();
    this.missed = false;
    return this.write();
  }
}
