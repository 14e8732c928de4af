import type { Job, Queue, QueueEvents } from 'bullmq';
import type { z } from 'zod';
import { decodeFailure, failureFromReason, JobFailure, UPLOAD_GONE, uploadGoneReason } from './failure.js';
import { contentHash } from './hash.js';
import type { ClassifyQueue, CopyQueue, EmbedQueue } from './queues.js';
import {
  ClassifyJobData,
  ClassifyJobResult,
  ClassifyProgress,
  CopyJobData,
  CopyJobResult,
  EmbedJobData,
  EmbedJobResult,
} from './schemas.js';
import { BlobStore, DEFAULT_PREFIX, type BlobKind, type BlobRedis } from './blobs.js';

/** What {@link enqueueClassify} did. */
export interface Enqueued {
  /** The job's id: the content hash for classify jobs. */
  jobId: string;
  hash: string;
  /** True when a job for these bytes already existed (waiting, running or finished): no new analysis. */
  existing: boolean;
}

function toBase64(bytes: Uint8Array): string {
  return Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString('base64');
}

/**
 * The blob store of `kind` on `queue`'s own Redis connection and key prefix: the producer opens
 * no connection of its own.
 * @throws Error when the queue's client is not ioredis (binary reads need `getBuffer`).
 */
export async function blobStoreOf(queue: Queue, kind: BlobKind): Promise<BlobStore> {
  const client: unknown = await queue.getBackend().client;
  if (typeof (client as Partial<BlobRedis>).getBuffer !== 'function') throw new Error('the queue\'s Redis client has no getBuffer: blobs need ioredis');
  return new BlobStore(client as BlobRedis, kind, queue.opts.prefix ?? DEFAULT_PREFIX);
}

/** The upload store on `queue`'s own Redis connection and key prefix ({@link blobStoreOf}). */
export function uploadStoreOf(queue: Queue): Promise<BlobStore> {
  return blobStoreOf(queue, 'upload');
}

/** The upload a job reads, as {@link addOnce} keeps it. */
interface JobUpload {
  store: BlobStore;
  hash: string;
  /** The bytes, when at hand: stored again if Redis lost them. Without them the stored upload must exist. */
  bytes?: Uint8Array;
  /**
   * Whether a completed job's upload may still be of use: a classify job's until its copy job,
   * made from it, completes and deletes it; a copy job's is not. A completed job's upload only has
   * its TTL restarted, never stored again: once gone, its copy job deleted it on completing, and
   * nothing reads it again.
   */
  neededAfterCompletion: boolean;
}

/** Restarts the upload's TTL, storing it again when it is gone and the bytes are at hand; false when it is gone for good. */
async function keepUpload(upload: JobUpload, fresh: boolean): Promise<boolean> {
  if (!upload.bytes) return upload.store.refresh(upload.hash);
  // a new job's upload is most likely not stored: one SET rather than EXPIRE then SET
  await (fresh ? upload.store.put(upload.hash, upload.bytes) : upload.store.keep(upload.hash, upload.bytes));
  return true;
}

/**
 * Adds the job unless one with its id exists, storing its upload first. An existing job that
 * failed for a passing fault or for its expired upload (not for bad audio) is retried, so a
 * repeat post after an outage is analysed again; its upload is stored again for it. A completed
 * job's upload is kept only while it is stored ({@link JobUpload.neededAfterCompletion}).
 * @throws JobFailure `UPLOAD_GONE` when a new job's upload is neither stored nor at hand.
 */
async function addOnce<D, R>(queue: Queue<D, R>, jobId: string, data: D, upload?: JobUpload): Promise<boolean> {
  const found = (await queue.getJob(jobId)) as Job<D, R> | undefined;
  if (found) {
    const state = await found.getState();
    const reason = state === 'failed' ? decodeFailure(found.failedReason) : undefined;
    const final = reason !== undefined && reason.code !== UPLOAD_GONE;
    const completed = state === 'completed';
    const needed = !final && (!completed || upload?.neededAfterCompletion === true);
    const kept = upload && needed ? await (completed ? upload.store.refresh(upload.hash) : keepUpload(upload, false)) : true;
    if (state === 'failed' && !final && kept) await found.retry('failed');
    return true;
  }
  if (upload && !(await keepUpload(upload, true))) throw new JobFailure(UPLOAD_GONE, uploadGoneReason(upload.hash).message, true);
  // bullmq's `add` with the id of an existing job returns that job: a race here is harmless.
  await (queue as Queue).add(queue.name, data, { jobId });
  return false;
}

function checkSize(bytes: Uint8Array, maxBytes: number): void {
  if (bytes.length === 0) throw new RangeError('the upload is empty');
  if (bytes.length > maxBytes) throw new RangeError(`the upload has ${bytes.length} bytes, more than the limit of ${maxBytes}`);
}

/**
 * Enqueues the classification of an upload; its SHA-256 is the job id, so the same bytes are
 * analysed once while the job (or its kept result) exists. The bytes are stored once in Redis
 * (src/jobs/blobs.ts) before the job, which carries only the hash; a repeat post restarts their
 * TTL, and stores them again when they are gone unless the job has completed (its copy, made from
 * them, deleted them: the repeat post is answered from the completed classify and copy jobs).
 * @param maxBytes upper bound on `bytes.length` (the configured upload limit).
 * @throws RangeError for empty or too large input; ZodError for an invalid file name.
 */
export async function enqueueClassify(queue: ClassifyQueue, bytes: Uint8Array, fileName: string, maxBytes = Infinity): Promise<Enqueued> {
  checkSize(bytes, maxBytes);
  const hash = contentHash(bytes);
  const data = ClassifyJobData.parse({ hash, fileName });
  const upload: JobUpload = { store: await uploadStoreOf(queue), hash, bytes, neededAfterCompletion: true };
  const existing = await addOnce(queue, hash, data, upload);
  return { jobId: hash, hash, existing };
}

/** The id of the embed job for one track and model version (bullmq ids may not contain `:`). */
export function embedJobId(modelVersion: string, hash: string): string {
  return `${modelVersion.replace(/[^A-Za-z0-9._-]/g, '_')}_${hash}`;
}

/**
 * Enqueues the re-analysis of a stored Ogg/Opus copy for `modelVersion` (one job per track and
 * version). `copyGainDb` is the loudness gain the copy was encoded with (its stored description),
 * undone before the analysis so that level features (rms) match the upload's.
 */
export async function enqueueEmbed(queue: EmbedQueue, hash: string, oggBytes: Uint8Array, modelVersion: string, copyGainDb = 0): Promise<Enqueued> {
  const data = EmbedJobData.parse({ hash, audioBase64: toBase64(oggBytes), ...(copyGainDb !== 0 && { copyGainDb }) });
  const jobId = embedJobId(modelVersion, hash);
  return { jobId, hash, existing: await addOnce(queue, jobId, data) };
}

/** The id of the copy job of the audio whose SHA-256 is `hash`. */
export function copyJobId(hash: string): string {
  return `copy_${hash}`;
}

/**
 * Enqueues the copy job of a classify job's upload, which is stored already (one job per content
 * hash, like {@link enqueueClassify}): the workers call it when a classification completes,
 * so the copy follows the analysis instead of competing with it; the bot calls it for a copy job
 * gone missing. A classify job of an older version carries its bytes: they are stored, and the
 * copy job carries the hash only.
 * @throws JobFailure `UPLOAD_GONE` when the upload is no longer stored and the copy job is not there.
 */
export async function enqueueCopyOfClassify(queue: CopyQueue, classify: Pick<ClassifyJobData, 'hash' | 'audioBase64'>): Promise<Enqueued> {
  const data = CopyJobData.parse({ hash: classify.hash });
  const jobId = copyJobId(data.hash);
  const upload: JobUpload = {
    store: await uploadStoreOf(queue),
    hash: data.hash,
    ...(classify.audioBase64 !== undefined && { bytes: Buffer.from(classify.audioBase64, 'base64') }),
    neededAfterCompletion: false,
  };
  return { jobId, hash: data.hash, existing: await addOnce(queue, jobId, data, upload) };
}

/** Options of the wait helpers. */
export interface WaitOptions<P> {
  /** Give up after this many ms with a `TIMEOUT` JobFailure (the job goes on). Default 10 minutes. */
  timeoutMs?: number;
  /** Receives each validated progress report of the job (invalid ones are ignored). */
  onProgress?: (progress: P) => void;
}

const TIMEOUT_PREFIX = 'Job wait';

/**
 * Resolves with the job's validated result, or rejects with a {@link JobFailure}: the job's own
 * code for bad audio, `INTERNAL` after its last attempt failed or when its result does not
 * validate, `TIMEOUT`, or `MISSING`.
 */
export async function waitForResult<R, P>(
  queue: Queue,
  events: QueueEvents,
  jobId: string,
  resultSchema: z.ZodType<R>,
  progressSchema: z.ZodType<P> | undefined,
  options: WaitOptions<P> = {},
): Promise<R> {
  const job = await queue.getJob(jobId);
  if (!job) throw new JobFailure('MISSING', `no job ${jobId} in ${queue.name}`, true);
  const onProgress = options.onProgress;
  const progressListener = ({ jobId: id, data }: { jobId: string; data: unknown }): void => {
    if (id !== jobId || !onProgress || !progressSchema) return;
    const parsed = progressSchema.safeParse(data);
    if (parsed.success) onProgress(parsed.data);
  };
  if (onProgress) events.on('progress', progressListener);
  let value: unknown;
  try {
    value = await job.waitUntilFinished(events, options.timeoutMs ?? 600_000);
  } catch (error) {
    const message = error instanceof Error ? error.message : String(error);
    if (message.startsWith(TIMEOUT_PREFIX)) throw new JobFailure('TIMEOUT', message, false);
    if (message.startsWith('Missing key')) throw new JobFailure('MISSING', message, true);
    throw failureFromReason(message);
  } finally {
    if (onProgress) events.off('progress', progressListener);
  }
  const parsed = resultSchema.safeParse(value);
  if (!parsed.success) throw new JobFailure('INTERNAL', `job ${jobId} returned an invalid result: ${parsed.error.message}`, true);
  return parsed.data;
}

/** {@link waitForResult} for a classify job: resolves with a validated {@link ClassifyJobResult}. */
export function waitForClassify(
  queue: ClassifyQueue,
  events: QueueEvents,
  jobId: string,
  options: WaitOptions<ClassifyProgress> = {},
): Promise<ClassifyJobResult> {
  return waitForResult(queue as unknown as Queue, events, jobId, ClassifyJobResult, ClassifyProgress, options);
}

/** {@link waitForResult} for an embed job: resolves with a validated {@link EmbedJobResult}. */
export function waitForEmbed(queue: EmbedQueue, events: QueueEvents, jobId: string, options: WaitOptions<never> = {}): Promise<EmbedJobResult> {
  return waitForResult(queue as unknown as Queue, events, jobId, EmbedJobResult, undefined, { ...options });
}

/** {@link waitForResult} for the copy job of `hash`: resolves with a validated {@link CopyJobResult}. */
export function waitForCopy(queue: CopyQueue, events: QueueEvents, hash: string, options: WaitOptions<never> = {}): Promise<CopyJobResult> {
  return waitForResult(queue as unknown as Queue, events, copyJobId(hash), CopyJobResult, undefined, { ...options });
}
