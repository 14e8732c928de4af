import { setImmediate as nextTurn } from 'node:timers/promises';

/**
 * Counts the database operations under way, so that closing the stores waits for them (a write
 * whose promise nobody awaited yet still lands, and a repository method's next step, issued when
 * its previous one settles, is still accepted) and refuses operations after that.
 */
export class InFlight {
  private readonly pending = new Set<Promise<unknown>>();
  private closed = false;

  /** Starts `operation`; once {@link close} has finished, rejects with "The store is closed" instead. */
  run<T>(operation: () => Promise<T>): Promise<T> {
    if (this.closed) return Promise.reject(new Error('The store is closed'));
    const promise = operation();
    this.pending.add(promise);
    const forget = (): void => {
      this.pending.delete(promise);
    };
    promise.then(forget, forget);
    return promise;
  }

  /** Resolves once no operation has been under way for a full event-loop turn; refuses later ones. */
  async close(): Promise<void> {
    do {
      await Promise.allSettled([...this.pending]);
      await nextTurn();
    } while (this.pending.size > 0);
    this.closed = true;
  }
}
