import { contentHash } from './hash.js';

/**
 * Bytes kept in Redis apart from the jobs that produce or read them, beside the queues' keys:
 * `<prefix>:<kind>:<hash>`, raw (no base64, no JSON), with a TTL per kind. A job or its result
 * carries only the content hash, so neither bullmq's job hashes nor its events stream hold
 * megabytes, and no process on the way (producer, worker main process, QueueEvents readers)
 * parses them.
 */

const HOUR_S = 3600;

/**
 * What each kind of blob is and how long it lives.
 * - `upload`: the uploaded audio, keyed by its own SHA-256 (checked on read). 7 days: long enough
 *   for a job to wait in a busy queue (or through a worker outage) and for the copy job that
 *   follows its classification; deleted earlier when no longer needed, and a re-post restarts it.
 * - `spectrogram`: a classify job's PNG, keyed by the audio's hash. 24 h: as long as a completed
 *   classify job is kept (`DEFAULT_JOB_OPTIONS.classify.removeOnComplete.age` in queues.ts), so a
 *   kept result never points at a picture already gone; the bot deletes it once it has stored it.
 */
export const BLOB_KINDS = {
  upload: { ttlS: 7 * 24 * HOUR_S, keyIsContentHash: true },
  spectrogram: { ttlS: 24 * HOUR_S, keyIsContentHash: false },
} as const satisfies Record<string, { ttlS: number; keyIsContentHash: boolean }>;

/** A kind of blob: the middle part of its key. */
export type BlobKind = keyof typeof BLOB_KINDS;

/** bullmq's default key prefix, used when a queue names none. */
export const DEFAULT_PREFIX = 'bull';

/** The Redis commands a blob store uses (an ioredis client, or bullmq's proxy of one). */
export interface BlobRedis {
  set(key: string, value: Buffer, mode: 'EX', seconds: number): Promise<unknown>;
  getBuffer(key: string): Promise<Buffer | null>;
  expire(key: string, seconds: number): Promise<number>;
  del(...keys: string[]): Promise<number>;
}

/** Stored bytes whose SHA-256 is not the hash they are stored under (a corrupt or foreign key). */
export class BlobMismatchError extends Error {
  override readonly name = 'BlobMismatchError';
}

/** Raw bytes of one {@link BlobKind} in Redis, keyed by a content hash, with a TTL. */
export class BlobStore {
  /**
   * @param redis a connection the caller owns (the store never closes it).
   * @param kind what is stored (its key part, TTL and whether reads check the hash).
   * @param prefix the queues' key prefix (bullmq's `prefix`, default `bull`).
   * @param ttlS lifetime of a stored blob in seconds (default: the kind's, {@link BLOB_KINDS}).
   */
  constructor(
    private readonly redis: BlobRedis,
    readonly kind: BlobKind,
    readonly prefix: string = DEFAULT_PREFIX,
    readonly ttlS: number = BLOB_KINDS[kind].ttlS,
  ) {}

  /** The Redis key of the blob stored under `hash`. */
  key(hash: string): string {
    return `${this.prefix}:${this.kind}:${hash}`;
  }

  /**
   * Stores `bytes` under `hash` for {@link ttlS} seconds (replacing what is there).
   * @param hash a SHA-256 ({@link contentHash}); for uploads the bytes' own, which readers check.
   */
  async put(hash: string, bytes: Uint8Array): Promise<void> {
    await this.redis.set(this.key(hash), Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength), 'EX', this.ttlS);
  }

  /** Restarts the TTL of a stored blob; false when none is stored (expired or deleted). */
  async refresh(hash: string): Promise<boolean> {
    return (await this.redis.expire(this.key(hash), this.ttlS)) === 1;
  }

  /**
   * Keeps `bytes` for {@link ttlS} more seconds: restarts the TTL, or stores them again when they
   * are gone (a re-post need not send megabytes that Redis holds already).
   */
  async keep(hash: string, bytes: Uint8Array): Promise<void> {
    if (!(await this.refresh(hash))) await this.put(hash, bytes);
  }

  /**
   * The stored bytes of `hash`, or undefined when none are stored.
   * @throws BlobMismatchError for a kind keyed by the bytes' own hash, when they do not hash to `hash`.
   */
  async get(hash: string): Promise<Buffer | undefined> {
    const bytes = await this.redis.getBuffer(this.key(hash));
    if (bytes === null) return undefined;
    if (BLOB_KINDS[this.kind].keyIsContentHash && contentHash(bytes) !== hash) throw new BlobMismatchError(`the stored ${this.kind} ${hash} does not match its hash`);
    return bytes;
  }

  /** Deletes the blob of `hash` (nothing happens when none is stored). */
  async delete(hash: string): Promise<void> {
    await this.redis.del(this.key(hash));
  }
}
