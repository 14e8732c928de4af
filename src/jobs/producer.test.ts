import { UnrecoverableError, Worker, type Job } from 'bullmq';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { startTestRedis, uniquePrefix, type TestRedis } from '../../test/redis.js';
import { encodeFailure, JobFailure } from './failure.js';
import { contentHash } from './hash.js';
import { embedJobId, enqueueClassify, enqueueEmbed, waitForClassify, waitForEmbed } from './producer.js';
import { createJobQueues, type JobQueues } from './queues.js';
import { QUEUE_NAMES, type ClassifyJobData, type ClassifyJobResult } from './schemas.js';

let redis: TestRedis;
let queues: JobQueues;
let prefix: string;
const workers: Worker[] = [];

beforeAll(async () => {
  redis = await startTestRedis();
});
afterAll(async () => {
  await redis.stop();
});
const setUp = (): void => {
  prefix = uniquePrefix();
  queues = createJobQueues({ connection: redis.connection, prefix }, (error) => {
    throw error;
  });
};
afterEach(async () => {
  await Promise.all(workers.splice(0).map((w) => w.close(true)));
  await queues.close();
});

function worker(processor: (job: Job<ClassifyJobData>) => unknown, name: string = QUEUE_NAMES.classify): Worker {
  const w = new Worker(name, (job: Job<ClassifyJobData>) => Promise.resolve().then(() => processor(job)), { connection: redis.connection, prefix });
  workers.push(w);
  return w;
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

describe('enqueueClassify', () => {
  it('uses the content hash as job id: the same bytes make one job', async () => {
    setUp();
    const first = await enqueueClassify(queues.classify, bytes, 'song.mp3');
    const second = await enqueueClassify(queues.classify, bytes, 'copy of song.mp3');
    expect(first).toEqual({ jobId: contentHash(bytes), hash: contentHash(bytes), existing: false });
    expect(second).toEqual({ ...first, existing: true });
    expect(await queues.classify.count()).toBe(1);
    const job = await queues.classify.getJob(first.jobId);
    expect(job?.data.fileName).toBe('song.mp3');
    expect(Buffer.from(job?.data.audioBase64 ?? '', 'base64')).toEqual(Buffer.from(bytes));
  });

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
    await queues.classify.add('classify', { hash: jobId, fileName: 's.mp3', audioBase64: Buffer.from(bytes).toString('base64') }, { jobId, attempts: 1 });
    await expect(waitForClassify(queues.classify, queues.events.classify, jobId, { timeoutMs: 45_000 })).rejects.toMatchObject({ code: 'INTERNAL', final: true });
    const again = await enqueueClassify(queues.classify, bytes, 's.mp3');
    expect(again.existing).toBe(true);
    await expect(waitForClassify(queues.classify, queues.events.classify, jobId, { timeoutMs: 45_000 })).resolves.toMatchObject({ hash: jobId });
  }, 120_000);
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
