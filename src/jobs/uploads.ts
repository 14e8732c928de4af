import type { ConnectionOptions } from 'bullmq';
import { z } from 'zod';
import { BLOB_KINDS, BlobMismatchError, BlobStore, DEFAULT_PREFIX, type BlobRedis } from './blobs.js';

/**
 * Uploads kept in Redis apart from their jobs (a {@link BlobStore} of kind `upload`). A classify
 * or copy job carries only the content hash; the bytes are stored once, raw, under
 * `<prefix>:upload:<hash>` beside the queues' keys, so that neither the producer nor the worker's
 * main process encodes, parses or forwards them, and the classify and copy jobs of one upload
 * share one blob. The hand-over below also tells sandboxed children where the other blobs go.
 */

/** How long an upload is kept, in seconds: 7 days (see {@link BLOB_KINDS}). */
export const UPLOAD_TTL_S = BLOB_KINDS.upload.ttlS;

export { DEFAULT_PREFIX };

/** The Redis commands the store uses (an ioredis client, or bullmq's proxy of one). */
export type UploadRedis = BlobRedis;

/** Stored bytes whose SHA-256 is not the hash they are stored under (a corrupt or foreign key). */
export const UploadMismatchError = BlobMismatchError;

/** Raw upload bytes in Redis, keyed by their content hash (checked on read), with a TTL. */
export class UploadStore extends BlobStore {
  /**
   * @param redis a connection the caller owns (the store never closes it).
   * @param prefix the queues' key prefix (bullmq's `prefix`, default `bull`).
   * @param ttlS lifetime of a stored upload in seconds (default {@link UPLOAD_TTL_S}).
   */
  constructor(redis: UploadRedis, prefix: string = DEFAULT_PREFIX, ttlS: number = UPLOAD_TTL_S) {
    super(redis, 'upload', prefix, ttlS);
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
