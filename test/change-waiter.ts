/**
 * What both fakes (Discord and voice) use to let tests wait for state: listeners re-checked on
 * every change, and a promise of the first truthy value of a probe.
 */
export class ChangeWaiter {
  readonly #listeners = new Set<() => void>();

  /** @param name the fake's name, used in timeout messages */
  constructor(private readonly name: string) {}

  /** Tells waiters that state changed. */
  changed(): void {
    for (const listener of [...this.#listeners]) listener();
  }

  /** Resolves with the first truthy value of `probe`, re-checked on every change; rejects after timeoutMs (or when `probe` throws). */
  waitFor<T>(probe: () => T | undefined | null | false, timeoutMs: number, what: string): Promise<T> {
    return new Promise<T>((resolve, reject) => {
      const check = (): void => {
        let value: T | undefined | null | false;
        try {
          value = probe();
        } catch (error) {
          done();
          reject(error instanceof Error ? error : new Error(String(error)));
          return;
        }
        if (value !== undefined && value !== null && value !== false) {
          done();
          resolve(value);
        }
      };
      const timer = setTimeout(() => {
        done();
        reject(new Error(`${this.name}: timed out after ${timeoutMs} ms waiting for ${what}`));
      }, timeoutMs);
      const done = (): void => {
        clearTimeout(timer);
        this.#listeners.delete(check);
      };
      this.#listeners.add(check);
      check();
    });
  }
}
