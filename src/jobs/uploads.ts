import type { ConnectionOptions } from 'bullmq';
import { z } from 'zod';
import { contentHash } from './hash.js';

/**
 * Uploads kept in Redis apart from their jobs. A classify or copy job carries only the content
 * hash; the bytes are stored once, raw, under `<prefix>:upload:<hash>` beside the queues' keys,
 * so that neither the producer nor the worker's main process encodes, parses or forwards them,
 * and the classify and copy jobs of one upload share one blob.
 */

/**
 * How long an upload is kept, in seconds: 7 days. Long enough for a job to wait in a busy queue
 * (or through a worker outage) and for the copy job that follows its classification; the blob is
 * deleted earlier when it is no longer needed (copy made, or the audio found bad), and a re-post of
 * the same bytes restarts the count.
 */
export const UPLOAD_TTL_S = 7 * 24 * 3600;

/** bullmq's default key prefix, used when a queue names none. */
export const DEFAULT_PREFIX = 'bull';

/** The Redis commands the store uses (an ioredis client, or bullmq's proxy of one). */
export interface UploadRedis {
  set(key: string, value: Buffer, mode: 'EX', seconds: number): Promise<unknown>;
  getBuffer(key: string): Promise<Buffer | null>;
  expire(key: string, seconds: number): Promise<number>;
  del(...keys: string[]): Promise<number>;
}

/** Stored bytes whose SHA-256 is not the hash they are stored under (a corrupt or foreign key). */
export class UploadMismatchError extends Error {
  override readonly name = 'UploadMismatchError';
}

/** Raw upload bytes in Redis, keyed by their content hash, with a TTL. */
export class UploadStore {
  /**
   * @param redis a connection the caller owns (the store never closes it).
   * @param prefix the queues' key prefix (bullmq's `prefix`, default `bull`).
   * @param ttlS lifetime of a stored upload in seconds (default {@link UPLOAD_TTL_S}).
   */
  constructor(
    private readonly redis: UploadRedis,
    readonly prefix: string = DEFAULT_PREFIX,
    readonly ttlS: number = UPLOAD_TTL_S,
  ) {}

  /** The Redis key of the upload whose SHA-256 is `hash`. */
  key(hash: string): string {
    return `${this.prefix}:upload:${hash}`;
  }

  /**
   * Stores `bytes` under `hash` for {@link ttlS} seconds (replacing what is there).
   * @param hash the bytes' SHA-256 ({@link contentHash}), which the caller has computed already; readers check it.
   */
  async put(hash: string, bytes: Uint8Array): Promise<void> {
    await this.redis.set(this.key(hash), Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength), 'EX', this.ttlS);
  }

  /** Restarts the TTL of a stored upload; false when none is stored (expired or deleted). */
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
   * @throws UploadMismatchError when the stored bytes do not hash to `hash`.
   */
  async get(hash: string): Promise<Buffer | undefined> {
    const bytes = await this.redis.getBuffer(this.key(hash));
    if (bytes === null) return undefined;
    if (contentHash(bytes) !== hash) throw new UploadMismatchError(`the stored upload ${hash} does not match its hash`);
    return bytes;
  }

  /** Deletes the upload of `hash` (nothing happens when none is stored). */
  async delete(hash: string): Promise<void> {
    await this.redis.del(this.key(hash));
  }
}

/** The environment variable through which a worker tells its sandboxed children where uploads are. */
export const UPLOAD_REDIS_ENV = 'CRATEDIGGER_UPLOAD_REDIS';

/** The ioredis options a sandboxed child needs to reach the uploads: where, who, which database. */
const ChildRedisOptions = z.object({
  host: z.string().optional(),
  port: z.number().int().optional(),
  path: z.string().optional(),
  family: z.number().int().optional(),
  username: z.string().optional(),
  password: z.string().optional(),
  db: z.number().int().nonnegative().optional(),
  tls: z.record(z.string(), z.unknown()).optional(),
});
export type ChildRedisOptions = z.infer<typeof ChildRedisOptions>;

const UploadRedisHandover = z.object({ connection: ChildRedisOptions, prefix: z.string().min(1) });
/** Where a sandboxed child reads uploads: ioredis options and the queues' prefix. */
export type UploadRedisHandover = z.infer<typeof UploadRedisHandover>;

/**
 * The environment entry that hands a worker's Redis connection and prefix to its sandboxed
 * children. Only connection fields are kept (no client instances or callbacks); the password may
 * be among them, so the value must never be logged.
 */
export function uploadRedisEnv(connection: ConnectionOptions, prefix: string = DEFAULT_PREFIX): Record<string, string> {
  // bullmq also accepts a client instance: its options are the connection's
  const source = ('options' in connection && typeof connection.options === 'object' ? connection.options : connection) as Record<string, unknown>;
  const picked = Object.fromEntries(Object.keys(ChildRedisOptions.shape).filter((k) => source[k] !== undefined && source[k] !== null).map((k) => [k, source[k]]));
  const handover: UploadRedisHandover = { connection: ChildRedisOptions.parse(picked), prefix };
  return { [UPLOAD_REDIS_ENV]: JSON.stringify(handover) };
}

/**
 * Reads what {@link uploadRedisEnv} wrote.
 * @throws Error when the entry is missing or invalid (the message never echoes its value).
 */
export function uploadRedisFromEnv(env: Readonly<Record<string, string | undefined>>): UploadRedisHandover {
  const text = env[UPLOAD_REDIS_ENV];
  if (text === undefined) throw new Error(`${UPLOAD_REDIS_ENV} is not set: sandboxed processors are started by workers/run.ts`);
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    throw new Error(`${UPLOAD_REDIS_ENV} is not JSON`);
  }
  const parsed = UploadRedisHandover.safeParse(value);
  if (!parsed.success) throw new Error(`${UPLOAD_REDIS_ENV} is invalid: ${parsed.error.issues.map((i) => i.path.join('.')).join(', ')}`);
  return parsed.data;
}
