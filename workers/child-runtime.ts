import { UnrecoverableError } from 'bullmq';
import { Redis } from 'ioredis';
import { resolve } from 'node:path';
import { isAudioError } from '../src/audio/index.js';
import { encodeFailure, uploadGoneReason } from '../src/jobs/failure.js';
import { contentHash } from '../src/jobs/hash.js';
import { BlobMismatchError, BlobStore, type BlobKind } from '../src/jobs/blobs.js';
import { blobRedisFromEnv } from '../src/jobs/blob-handover.js';
import { GenreModel } from '../src/ml/genre-model.js';
import { loadTfRuntime } from '../src/ml/runtime.js';
import { badJob } from './child-basics.js';

/**
 * What a sandboxed processor's child process shares between its jobs (its composition root):
 * the genre model, loaded once (memoised), the Redis connection of the blobs (uploads read,
 * spectrograms written), and the conversion of errors into bullmq's retry conventions.
 */

/** The shipped genre model, whatever the working directory. */
export const MODEL_DIR = resolve(import.meta.dirname, '../models/genre');

let model: Promise<GenreModel> | undefined;

/** The genre model of this child process, loaded on first use (a failed load is tried again next time). */
export function genreModel(): Promise<GenreModel> {
  model ??= loadTfRuntime()
    .then((runtime) => GenreModel.load(MODEL_DIR, runtime))
    .catch((error: unknown) => {
      model = undefined;
      throw error;
    });
  return model;
}

let blobRedis: Redis | undefined;
let blobPrefix: string | undefined;

/**
 * The blob store of `kind` in this child (uploads read, spectrograms written), on one connection
 * of its own made on first use from what the worker handed over in the environment
 * (workers/run.ts). The connection lives as long as the child.
 */
export function childBlobs(kind: BlobKind): BlobStore {
  if (!blobRedis) {
    const { connection, prefix } = blobRedisFromEnv(process.env);
    blobRedis = new Redis(connection);
    blobPrefix = prefix;
    // A lost connection shows in the command that needed it (the job fails and is retried); the
    // event itself has nothing to add, and unheard it would be printed with the options.
    blobRedis.on('error', () => undefined);
  }
  return new BlobStore(blobRedis, kind, blobPrefix);
}

/**
 * The uploaded bytes of a classify or copy job: the stored upload of `hash`, or the bytes that a
 * job queued by an older version carries (`audioBase64`).
 * @throws UnrecoverableError with an `UPLOAD_GONE` FailureReason when the upload is no longer
 * stored, or `BAD_JOB` when the bytes do not match the hash; a Redis error as it is (retried).
 */
export async function jobUpload(data: { hash: string; audioBase64?: string | undefined }): Promise<Uint8Array> {
  if (data.audioBase64 !== undefined) {
    const bytes = new Uint8Array(Buffer.from(data.audioBase64, 'base64'));
    if (contentHash(bytes) !== data.hash) throw badJob('the audio does not match its hash');
    return bytes;
  }
  let stored: Buffer | undefined;
  try {
    stored = await childBlobs('upload').get(data.hash);
  } catch (error) {
    if (error instanceof BlobMismatchError) throw badJob('the audio does not match its hash');
    throw error;
  }
  if (stored === undefined) throw new UnrecoverableError(encodeFailure(uploadGoneReason(data.hash)));
  return stored;
}

/**
 * Bad input becomes bullmq's `UnrecoverableError` (no retry) whose message is the JSON
 * FailureReason; anything else is rethrown as it is, so bullmq retries it with backoff.
 */
export function toJobError(error: unknown): unknown {
  if (isAudioError(error)) return new UnrecoverableError(encodeFailure({ code: error.code, message: error.message }));
  return error;
}

// badJob and the exit when the worker process dies live in child-basics.ts (shared with the processors that need no model).
export { badJob };
