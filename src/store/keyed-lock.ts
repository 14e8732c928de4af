/**
 * Serialises async read-modify-write sections per key within this process (the bot process is
 * the only writer of the store), so that two reactions or two corrections on one record cannot
 * interleave and lose an update. Sections on different keys run concurrently.
 */
export class KeyedLock {
  private readonly tails = new Map<string, Promise<void>>();

  /** Runs `section` once every earlier section on `key` has settled; returns its result. */
  async run<T>(key: string, section: () => Promise<T>): Promise<T> {
    const previous = this.tails.get(key) ?? Promise.resolve();
    let release!: () => void;
    const done = new Promise<void>((resolve) => {
      release = resolve;
    });
    const tail = previous.then(() => done);
    this.tails.set(key, tail);
    await previous;
    try {
      return await section();
    } finally {
      release();
      if (this.tails.get(key) === tail) this.tails.delete(key);
    }
  }
}
