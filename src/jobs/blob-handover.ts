import type { ConnectionOptions } from 'bullmq';
import { z } from 'zod';
import { DEFAULT_PREFIX } from './blobs.js';

/**
 * How a worker tells its sandboxed children where the blobs are (src/jobs/blobs.ts: uploads they
 * read, spectrograms they write): the connection fields of its Redis and the queues' prefix, as
 * JSON in one environment entry. The children open a connection of their own from it.
 */

/** The environment variable through which a worker tells its sandboxed children where the blobs are. */
export const BLOB_REDIS_ENV = 'CRATEDIGGER_BLOB_REDIS';

/** The ioredis options a sandboxed child needs to reach the blobs: where, who, which database. */
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

const BlobRedisHandover = z.object({ connection: ChildRedisOptions, prefix: z.string().min(1) });
/** Where a sandboxed child finds the blobs: ioredis options and the queues' prefix. */
export type BlobRedisHandover = z.infer<typeof BlobRedisHandover>;

/**
 * The environment entry that hands a worker's Redis connection and prefix to its sandboxed
 * children. Only connection fields are kept (no client instances or callbacks); the password may
 * be among them, so the value must never be logged.
 */
export function blobRedisEnv(connection: ConnectionOptions, prefix: string = DEFAULT_PREFIX): Record<string, string> {
  // bullmq also accepts a client instance: its options are the connection's
  const source = ('options' in connection && typeof connection.options === 'object' ? connection.options : connection) as Record<string, unknown>;
  const picked = Object.fromEntries(Object.keys(ChildRedisOptions.shape).filter((k) => source[k] !== undefined && source[k] !== null).map((k) => [k, source[k]]));
  const handover: BlobRedisHandover = { connection: ChildRedisOptions.parse(picked), prefix };
  return { [BLOB_REDIS_ENV]: JSON.stringify(handover) };
}

/**
 * Reads what {@link blobRedisEnv} wrote.
 * @throws Error when the entry is missing or invalid (the message never echoes its value).
 */
export function blobRedisFromEnv(env: Readonly<Record<string, string | undefined>>): BlobRedisHandover {
  const text = env[BLOB_REDIS_ENV];
  if (text === undefined) throw new Error(`${BLOB_REDIS_ENV} is not set: sandboxed processors are started by workers/run.ts`);
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    throw new Error(`${BLOB_REDIS_ENV} is not JSON`);
  }
  const parsed = BlobRedisHandover.safeParse(value);
  if (!parsed.success) throw new Error(`${BLOB_REDIS_ENV} is invalid: ${parsed.error.issues.map((i) => i.path.join('.')).join(', ')}`);
  return parsed.data;
}
