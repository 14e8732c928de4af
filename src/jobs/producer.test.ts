import { UnrecoverableError, Worker, type Job, type Queue } from 'bullmq';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { useTestRedisWithClient } from '../../test/redis-hooks.js';
import { uniquePrefix } from '../../test/redis.js';
import { encodeFailure, JobFailure, UPLOAD_GONE, uploadGoneReason } from './failure.js';
import { contentHash } from './hash.js';
import { copyJobId, embedJobId, enqueueClassify, enqueueCopyOfClassify, enqueueEmbed, uploadStoreOf, waitForClassify, waitForCopy, waitForEmbed } from './producer.js';
import { createJobQueues, type JobQueues } from './queues.js';
import { QUEUE_NAMES, type ClassifyJobData, type ClassifyJobResult, type CopyJobResult } from './schemas.js';
import { BLOB_KINDS } from './blobs.js';

const test = useTestRedisWithClient();
let queues: JobQueues;
let prefix: string;
const workers: Worker[] = [];

const setUp = (): void => {
  prefix = uniquePrefix();
  queues = createJobQueues({ connection: test.redis.connection, prefix }, (error) => {
    throw error;
  });
};
afterEach(async () => {
  await Promise.all(workers.splice(0).map((w) => w.close(true)));
  await queues.close();
});

function worker(processor: (job: Job<ClassifyJobData>) => unknown, name: string = QUEUE_NAMES.classify): Worker {
  const w = new Worker(name, (job: Job<ClassifyJobData>) => Promise.resolve().then(() => processor(job)), { connection: test.redis.connection, prefix });
  workers.push(w);
  return w;
}

/**
 * Waits until the job `jobId` of `queue` is in `state`. A job that ends while the test's fresh
 * QueueEvents has not yet started reading its stream (bullmq's `waitUntilReady` resolves on the
 * connection, before the first XREAD) sends an event nobody reads, and a wait begun just before
 * it would then time out; a wait begun after the end answers from the job's state.
 */
async function untilState(queue: Queue, jobId: string, state: 'completed' | 'failed'): Promise<void> {
  await vi.waitFor(async () => expect(await (await queue.getJob(jobId))?.getState()).toBe(state), { timeout: 45_000, interval: 50 });
}

const bytes = new TextEncoder().encode('pretend audio bytes');

function fakeResult(hash: string): ClassifyJobResult {
  const genres = ['blues', 'classical', 'country', 'disco', 'hiphop', 'jazz', 'metal', 'pop', 'reggae', 'rock'].map((genre, i) => ({
    genre: genre as ClassifyJobResult['analysis']['genres'][number]['genre'],
    probability: i === 0 ? 0.91 : 0.01,
  }));
  return {
    hash,
    modelVersion: '1.0.0',
    analysis: { durationS: 30, tempoBpm: 120, genres, segments: [{ startS: 0, endS: 30, genres, tempoBpm: 120 }], embedding: Array(24).fill(0.2) as number[] },
    tags: { title: 'A song' },
    spectrogramPngBase64: 'iVBORw0KGgo=',
  };
}

function fakeCopy(hash: string): CopyJobResult {
  return { hash, audioCopy: { mimeType: 'audio/ogg', codec: 'opus', bitrateKbps: 64, frameMs: 20, sampleRateHz: 48_000,
    loudness: { integratedLufs: -20, samplePeakDbfs: -3, targetLufs: -16, gainDb: 2 }, base64: 'T2dnUw==' } };
}

describe('enqueueClassify', () => {
  it('uses the content hash as job id: the same bytes make one job', async () => {
    setUp();
    const first = await enqueueClassify(queues.classify, bytes, 'song.mp3');
    const second = await enqueueClassify(queues.classify, bytes, 'copy of song.mp3');
    expect(first).toEqual({ jobId: contentHash(bytes), hash: contentHash(bytes), existing: false });
    expect(second).toEqual({ ...first, existing: true });
    expect(await queues.classify.count()).toBe(1);
    const job = await queues.classify.getJob(first.jobId);
    expect(job?.data).toEqual({ hash: contentHash(bytes), fileName: 'song.mp3' });
    // the bytes are stored once, beside the queue's keys, not in the job
    const uploads = await uploadStoreOf(queues.classify);
    expect(uploads.prefix).toBe(prefix);
    expect(await test.client.keys(`${prefix}:upload:*`)).toEqual([uploads.key(first.hash)]);
    expect(new Uint8Array(await uploads.get(first.hash) ?? [])).toEqual(bytes);
  });

  it('a repeat post restarts the upload\'s TTL, and stores it again when it is gone', async () => {
    setUp();
    const { hash } = await enqueueClassify(queues.classify, bytes, 'song.mp3');
    const uploads = await uploadStoreOf(queues.classify);
    await test.client.expire(uploads.key(hash), 60);
    expect(await test.client.ttl(uploads.key(hash))).toBeLessThanOrEqual(60);
    await enqueueClassify(queues.classify, bytes, 'song.mp3');
    expect(await test.client.ttl(uploads.key(hash))).toBeGreaterThan(BLOB_KINDS.upload.ttlS - 10);
    await uploads.delete(hash);
    expect((await enqueueClassify(queues.classify, bytes, 'song.mp3')).existing).toBe(true);
    expect(new Uint8Array(await uploads.get(hash) ?? [])).toEqual(bytes);
  });

  it('a repeat post after the copy is made is answered from the completed jobs, without storing the upload again', async () => {
    setUp();
    worker((job) => fakeResult(job.data.hash));
    worker((job) => fakeCopy(job.data.hash), QUEUE_NAMES.copy);
    const { hash } = await enqueueClassify(queues.classify, bytes, 's.mp3');
    await untilState(queues.classify, hash, 'completed');
    const uploads = await uploadStoreOf(queues.classify);
    // until its copy is made, a completed classification's upload is kept: its TTL restarts
    await test.client.expire(uploads.key(hash), 60);
    expect((await enqueueClassify(queues.classify, bytes, 'again.mp3')).existing).toBe(true);
    expect(await test.client.ttl(uploads.key(hash))).toBeGreaterThan(BLOB_KINDS.upload.ttlS - 10);
    const result = await waitForClassify(queues.classify, queues.events.classify, hash);
    // as the workers do: the copy job follows the classification and deletes the upload once done
    const copy = await enqueueCopyOfClassify(queues.copy, { hash });
    await untilState(queues.copy, copy.jobId, 'completed');
    const { audioCopy } = await waitForCopy(queues.copy, queues.events.copy, hash);
    await uploads.delete(hash);

    // another server posts the same file: the kept jobs answer it, and nothing would read the upload
    expect(await enqueueClassify(queues.classify, bytes, 'again.mp3')).toEqual({ jobId: hash, hash, existing: true });
    expect(await test.client.keys(`${prefix}:upload:*`)).toEqual([]);
    expect(await waitForClassify(queues.classify, queues.events.classify, hash)).toEqual(result);
    expect(await enqueueCopyOfClassify(queues.copy, { hash })).toEqual({ ...copy, existing: true });
    expect((await waitForCopy(queues.copy, queues.events.copy, hash)).audioCopy).toEqual(audioCopy);
  }, 60_000);

  it('rejects empty, too large and badly named uploads before enqueueing', async () => {
    setUp();
    await expect(enqueueClassify(queues.classify, new Uint8Array(0), 'a.mp3')).rejects.toThrow(RangeError);
    await expect(enqueueClassify(queues.classify, bytes, 'a.mp3', 4)).rejects.toThrow(/limit/);
    await expect(enqueueClassify(queues.classify, bytes, '')).rejects.toThrow();
    expect(await queues.classify.count()).toBe(0);
  });

  it('retries a job that failed for a passing fault when the file comes again', async () => {
    setUp();
    let calls = 0;
    worker((job) => {
      calls++;
      if (calls === 1) throw new Error('redis hiccup');
      return fakeResult(job.data.hash);
    });
    // One attempt, so that the passing fault is final at once (the defaults would retry it).
    // The waits are generous: in a full run on 2 cores this file shares the machine with the
    // end-to-end tests' bots and workers, and 10 s was once not enough for the events to arrive.
    const jobId = contentHash(bytes);
    await queues.classify.add('classify', { hash: jobId, fileName: 's.mp3' }, { jobId, attempts: 1 });
    await untilState(queues.classify, jobId, 'failed');
    await expect(waitForClassify(queues.classify, queues.events.classify, jobId, { timeoutMs: 45_000 })).rejects.toMatchObject({ code: 'INTERNAL', final: true });
    const again = await enqueueClassify(queues.classify, bytes, 's.mp3');
    expect(again.existing).toBe(true);
    await expect(waitForClassify(queues.classify, queues.events.classify, jobId, { timeoutMs: 45_000 })).resolves.toMatchObject({ hash: jobId });
  }, 120_000);

  it('a job whose upload expired is retried when the file comes again; one that failed for bad audio is not, and keeps no upload', async () => {
    setUp();
    let calls = 0;
    worker((job) => {
      calls++;
      if (job.data.fileName === 'notes.txt') throw new UnrecoverableError(encodeFailure({ code: 'NOT_AUDIO', message: 'not audio' }));
      if (calls === 1) throw new UnrecoverableError(encodeFailure(uploadGoneReason(job.data.hash)));
      return fakeResult(job.data.hash);
    });
    const { jobId } = await enqueueClassify(queues.classify, bytes, 's.mp3');
    const uploads = await uploadStoreOf(queues.classify);
    await uploads.delete(jobId);
    await untilState(queues.classify, jobId, 'failed');
    await expect(waitForClassify(queues.classify, queues.events.classify, jobId, { timeoutMs: 45_000 })).rejects.toMatchObject({ code: UPLOAD_GONE, final: true });
    expect((await enqueueClassify(queues.classify, bytes, 's.mp3')).existing).toBe(true);
    expect(new Uint8Array(await uploads.get(jobId) ?? [])).toEqual(bytes);
    await expect(waitForClassify(queues.classify, queues.events.classify, jobId, { timeoutMs: 45_000 })).resolves.toMatchObject({ hash: jobId });

    const text = new TextEncoder().encode('my notes');
    const notes = await enqueueClassify(queues.classify, text, 'notes.txt');
    await untilState(queues.classify, notes.jobId, 'failed');
    await expect(waitForClassify(queues.classify, queues.events.classify, notes.jobId, { timeoutMs: 45_000 })).rejects.toMatchObject({ code: 'NOT_AUDIO' });
    await uploads.delete(notes.hash);
    expect((await enqueueClassify(queues.classify, text, 'notes.txt')).existing).toBe(true);
    expect(await uploads.get(notes.hash)).toBeUndefined();
    expect(await (await queues.classify.getJob(notes.jobId))?.getState()).toBe('failed');
  }, 120_000);
});

describe('copy jobs', () => {
  it('carry the hash only: the copy of a classification reads the stored upload, or fails UPLOAD_GONE without a job', async () => {
    setUp();
    const { hash } = await enqueueClassify(queues.classify, bytes, 's.mp3');
    const copy = await enqueueCopyOfClassify(queues.copy, { hash });
    expect(copy).toEqual({ jobId: copyJobId(hash), hash, existing: false });
    expect((await queues.copy.getJob(copy.jobId))?.data).toEqual({ hash });
    expect(await test.client.keys(`${prefix}:upload:*`)).toHaveLength(1);

    const other = new TextEncoder().encode('bytes that were never stored');
    const failure = await enqueueCopyOfClassify(queues.copy, { hash: contentHash(other) }).catch((e: unknown) => e);
    expect(failure).toBeInstanceOf(JobFailure);
    expect(failure).toMatchObject({ code: UPLOAD_GONE, final: true });
    expect(await queues.copy.getJob(copyJobId(contentHash(other)))).toBeUndefined();
  });

  it('a classify job queued by an older version gives its bytes to the store; its copy job carries the hash', async () => {
    setUp();
    const hash = contentHash(bytes);
    const copy = await enqueueCopyOfClassify(queues.copy, { hash, audioBase64: Buffer.from(bytes).toString('base64') });
    expect((await queues.copy.getJob(copy.jobId))?.data).toEqual({ hash });
    expect(new Uint8Array(await (await uploadStoreOf(queues.copy)).get(hash) ?? [])).toEqual(bytes);
  });

  it('a completed copy needs no upload: enqueued again, even with the bytes at hand, it does not store them', async () => {
    setUp();
    worker((job) => fakeCopy(job.data.hash), QUEUE_NAMES.copy);
    const hash = contentHash(bytes);
    const uploads = await uploadStoreOf(queues.copy);
    // as a classification leaves it: the upload stored, then its copy job
    await uploads.put(hash, bytes);
    const { jobId } = await enqueueCopyOfClassify(queues.copy, { hash });
    await untilState(queues.copy, jobId, 'completed');
    await uploads.delete(hash);
    // a classify job queued by an older version carries the bytes
    expect(await enqueueCopyOfClassify(queues.copy, { hash, audioBase64: Buffer.from(bytes).toString('base64') })).toEqual({ jobId, hash, existing: true });
    expect(await uploads.get(hash)).toBeUndefined();
  }, 60_000);
});

describe('waitForClassify', () => {
  it('resolves with the validated result and forwards progress', async () => {
    setUp();
    await queues.events.classify.waitUntilReady();
    worker(async (job) => {
      // Progress sent before anyone listens is not replayed: start once the waiter listens.
      while (queues.events.classify.listenerCount('progress') === 0) await new Promise((r) => setTimeout(r, 10));
      await job.updateProgress({ stage: 'decoding', percent: 10 });
      await job.updateProgress({ nonsense: true });
      await job.updateProgress({ stage: 'encoding', percent: 90 });
      return fakeResult(job.data.hash);
    });
    const { jobId } = await enqueueClassify(queues.classify, bytes, 's.mp3');
    const seen: unknown[] = [];
    const result = await waitForClassify(queues.classify, queues.events.classify, jobId, { onProgress: (p) => seen.push(p) });
    expect(result.hash).toBe(jobId);
    expect(seen).toEqual([{ stage: 'decoding', percent: 10 }, { stage: 'encoding', percent: 90 }]);
    // A finished job answers at once (a repeat post).
    expect((await waitForClassify(queues.classify, queues.events.classify, jobId)).hash).toBe(jobId);
  });

  it('bad audio fails once, finally, with its code', async () => {
    setUp();
    worker(() => {
      throw new UnrecoverableError(encodeFailure({ code: 'NOT_AUDIO', message: 'not audio' }));
    });
    const { jobId } = await enqueueClassify(queues.classify, bytes, 'notes.txt');
    const failure = await waitForClassify(queues.classify, queues.events.classify, jobId).catch((e: unknown) => e);
    expect(failure).toBeInstanceOf(JobFailure);
    expect(failure).toMatchObject({ code: 'NOT_AUDIO', message: 'not audio', final: true });
    expect((await queues.classify.getJob(jobId))?.attemptsMade).toBe(1);
  });

  it('an invalid result is an INTERNAL failure; no job is MISSING; a slow one is a TIMEOUT', async () => {
    setUp();
    worker(async (job) => (job.data.fileName === 'slow.mp3' ? new Promise(() => undefined) : { hash: 'nope' }));
    const { jobId } = await enqueueClassify(queues.classify, bytes, 's.mp3');
    await expect(waitForClassify(queues.classify, queues.events.classify, jobId)).rejects.toMatchObject({ code: 'INTERNAL' });
    await expect(waitForClassify(queues.classify, queues.events.classify, 'f'.repeat(64))).rejects.toMatchObject({ code: 'MISSING' });
    const slow = await enqueueClassify(queues.classify, new Uint8Array([1, 2, 3]), 'slow.mp3');
    await expect(waitForClassify(queues.classify, queues.events.classify, slow.jobId, { timeoutMs: 300 })).rejects.toMatchObject({ code: 'TIMEOUT', final: false });
  });
});

describe('enqueueEmbed', () => {
  it('one job per track and model version', async () => {
    setUp();
    const hash = contentHash(bytes);
    worker((job) => Promise.resolve({ hash: job.data.hash, modelVersion: '2.0.0', analysis: fakeResult(hash).analysis }), QUEUE_NAMES.embed);
    const a = await enqueueEmbed(queues.embed, hash, bytes, '2.0.0');
    const b = await enqueueEmbed(queues.embed, hash, bytes, '2.0.0');
    expect(a.jobId).toBe(embedJobId('2.0.0', hash));
    expect(b.existing).toBe(true);
    expect((await waitForEmbed(queues.embed, queues.events.embed, a.jobId)).modelVersion).toBe('2.0.0');
  });
});
