interface Batch {
  /** The content of the latest save of the batch, made when its write begins. */
  content: () => string;
  done: Promise<void>;
  resolve: () => void;
  reject: (error: unknown) => void;
}

/**
 * The writes of one file, coalesced (a group commit): at most one write runs at a time, and
 * every save asked for while it runs is carried by the one next write, which takes the content
 * of the latest of them when it begins. 50 apps starting or restarting at once ask for a save at
 * each spawn; written one by one (each a file and a directory fsync) they queued up behind each
 * other, where now a few writes carry them all.
 *
 * The promise of a save settles with a write that began after the save was asked for: once it
 * resolves, what the caller had changed before asking is on disk (or a later state is), so a
 * command still answers "done" only when its change is durable. Writes never overlap and begin
 * in the order asked for, so a later state is never overwritten by an earlier one. A failed
 * write rejects the saves it carried; the next one is tried all the same.
 */
export class CoalescedWrites {
  private writing = false;
  private next: Batch | null = null;

  constructor(private readonly write: (text: string) => Promise<void>) {}

  /** `content` is called when the write begins: a save that is overtaken is never serialized. */
  request(content: () => string): Promise<void> {
    if (this.next) {
      this.next.content = content;
      return this.next.done;
    }
    let resolve: () => void = () => {};
    let reject: (error: unknown) => void = () => {};
    const done = new Promise<void>((res, rej) => {
      resolve = res;
      reject = rej;
    });
    // Saves are often not awaited (a spawn saves in passing): a failure is for those that await
    // it (a command's reply says "not saved"), and must not count as unhandled when none does.
    done.catch(() => {});
    this.next = { content, done, resolve, reject };
    if (!this.writing) void this.drain();
    return done;
  }

  private async drain(): Promise<void> {
    this.writing = true;
    for (let batch = this.next; batch !== null; batch = this.next) {
      this.next = null;
      try {
        await this.write(batch.content());
        batch.resolve();
      } catch (error) {
        batch.reject(error);
      }
    }
    this.writing = false;
  }
}
