/** Discord's epoch (2015-01-01T00:00:00Z), in milliseconds since the Unix epoch. */
const DISCORD_EPOCH_MS = 1_420_070_400_000n;

/**
 * Makes Discord-shaped snowflakes: a millisecond timestamp in the top 42 bits and an increment
 * in the low 12, so that ids sort by creation time as Discord's do (history paging relies on it).
 */
export class SnowflakeFactory {
  #lastMs = 0n;
  #increment = 0n;

  /** A new snowflake, strictly greater than every earlier one from this factory. */
  next(): string {
    let nowMs = BigInt(Date.now()) - DISCORD_EPOCH_MS;
    if (nowMs <= this.#lastMs) {
      this.#increment += 1n;
      if (this.#increment > 0xfffn) {
        this.#lastMs += 1n;
        this.#increment = 0n;
      }
      nowMs = this.#lastMs;
    } else {
      this.#increment = 0n;
    }
    this.#lastMs = nowMs;
    return ((nowMs << 22n) | this.#increment).toString();
  }
}

/** True when `value` looks like a snowflake (a decimal string of 17 to 20 digits). */
export const isSnowflake = (value: string): boolean => /^\d{17,20}$/.test(value);
