import { spawn, type ChildProcess } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { decode as decodePng } from 'fast-png';
import { Redis } from 'ioredis';
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import { decodeAudio } from '../src/audio/index.js';
import { createLogger } from '../src/infra/logger.js';
import { jobFailureText } from '../src/bot/classify-flow.js';
import { decodeFailure, failureFromReason, JobFailure, UPLOAD_GONE } from '../src/jobs/failure.js';
import { contentHash } from '../src/jobs/hash.js';
import { copyJobId, enqueueClassify, enqueueCopyOfClassify, enqueueEmbed, uploadStoreOf, waitForClassify, waitForCopy, waitForEmbed } from '../src/jobs/producer.js';
import { BLOB_KINDS } from '../src/jobs/blobs.js';
import { createJobQueues, DEFAULT_JOB_OPTIONS, type JobQueues } from '../src/jobs/queues.js';
import { storedSpectrogram } from '../src/jobs/spectrograms.js';
import type { ClassifyProgress } from '../src/jobs/schemas.js';
import { GENRES } from '../src/ml/genres.js';
import { startWorkers, type RunningWorkers } from '../workers/run.js';
import { childExecArgv } from '../workers/sandbox.js';
import { PARITY_DIR } from './gtzan.js';
import { startTestRedis, uniquePrefix, type TestRedis } from './redis.js';

const ROOT = resolve(import.meta.dirname, '..');
const clip = (name: string): Uint8Array => new Uint8Array(readFileSync(join(PARITY_DIR, name)));
const logger = createLogger({ level: 'warn', base: { service: 'test' } });

let redis: TestRedis;
/** A plain client of the test's own, to look at keys. */
let redisClient: Redis;
let prefix: string;
let queues: JobQueues;
let running: RunningWorkers | undefined;
const processes: ChildProcess[] = [];

beforeAll(async () => {
  redis = await startTestRedis();
  redisClient = new Redis({ host: '127.0.0.1', port: redis.port });
});
afterAll(async () => {
  await redisClient.quit();
  await redis.stop();
});
afterEach(async () => {
  for (const child of processes.splice(0)) killGroup(child);
  await running?.close();
  running = undefined;
  await queues.close();
});

async function setUp(withWorkers: boolean): Promise<void> {
  prefix = uniquePrefix('jobs');
  queues = createJobQueues({ connection: redis.connection, prefix }, (error, source) => logger.error({ err: error, source }));
  if (withWorkers) running = await startWorkers({ workerConcurrency: 1, queuePrefix: prefix }, logger, redis.connection);
}

/** SIGKILL to a worker process and its sandbox children (its process group). */
function killGroup(child: ChildProcess): void {
  if (child.pid !== undefined && groupAlive(child.pid)) process.kill(-child.pid, 'SIGKILL');
}

/** True while any process of the group `pgid` lives. */
function groupAlive(pgid: number): boolean {
  try {
    process.kill(-pgid, 0);
    return true;
  } catch {
    return false;
  }
}

/** `npm run worker` as a separate process group (so that SIGKILL takes its sandbox children too). */
function spawnWorkerProcess(): ChildProcess {
  const child = spawn(process.execPath, [...childExecArgv([]), join(ROOT, 'workers/main.ts')], {
    cwd: ROOT,
    detached: true,
    stdio: ['ignore', 'ignore', 'inherit'],
    env: { ...process.env, REDIS_URL: redis.url, QUEUE_PREFIX: prefix, JOB_LOCK_MS: '1000', LOG_LEVEL: 'warn' },
  });
  processes.push(child);
  return child;
}

describe('classify through Redis and a sandboxed worker', () => {
  it('classifies a real clip end to end, reporting progress, and makes its normalised copy apart', async () => {
    await setUp(true);
    const bytes = clip('jazz.00001.wav');
    const { jobId, existing } = await enqueueClassify(queues.classify, bytes, 'jazz.00001.wav');
    expect(existing).toBe(false);
    const stages: ClassifyProgress['stage'][] = [];
    const result = await waitForClassify(queues.classify, queues.events.classify, jobId, { onProgress: (p) => stages.push(p.stage) });
    expect(result.hash).toBe(jobId);
    expect(result.analysis.genres.map((g) => g.genre).sort()).toEqual([...GENRES].sort());
    expect(result.analysis.genres.reduce((sum, g) => sum + g.probability, 0)).toBeCloseTo(1, 4);
    expect(result.analysis.durationS).toBeCloseTo(30, 0);
    const norm = Math.hypot(...result.analysis.embedding);
    expect(norm).toBeCloseTo(1, 3);
    // The picture is not in the result, nor in the job or the events stream: it is a blob of its own.
    expect(result.spectrogramPngBase64).toBeUndefined();
    expect(JSON.stringify((await queues.classify.getJob(jobId))?.returnvalue)).not.toContain('iVBORw0KGgo');
    const completed = await redisClient.xrange(`${prefix}:classify:events`, '-', '+');
    expect(completed.some(([, fields]) => fields.includes('completed'))).toBe(true);
    expect(completed.every(([, fields]) => fields.every((f) => f.length < 50_000))).toBe(true);
    const blobKey = `${prefix}:spectrogram:${jobId}`;
    expect(await redisClient.strlen(blobKey)).toBe(result.spectrogramBytes);
    const ttl = await redisClient.ttl(blobKey);
    expect(ttl).toBeGreaterThan(BLOB_KINDS.spectrogram.ttlS - 60);
    expect(ttl).toBeLessThanOrEqual(BLOB_KINDS.spectrogram.ttlS);
    // as long as the completed job that points at it
    expect(DEFAULT_JOB_OPTIONS.classify.removeOnComplete).toMatchObject({ age: BLOB_KINDS.spectrogram.ttlS });
    // the bot's side finds it on the queue's own connection
    const stored = await storedSpectrogram(queues.classify, result);
    const png = decodePng(stored ?? new Uint8Array());
    expect(png.width).toBeGreaterThan(200);
    expect(stages).toEqual(['decoding', 'analysing', 'rendering']);

    // The worker enqueues the playback copy once the classification is done.
    await vi.waitFor(async () => expect(await queues.copy.getJob(copyJobId(jobId))).toBeDefined(), { timeout: 10_000, interval: 100 });
    expect(await enqueueCopyOfClassify(queues.copy, { hash: jobId })).toEqual({ jobId: copyJobId(jobId), hash: jobId, existing: true });
    const { audioCopy } = await waitForCopy(queues.copy, queues.events.copy, jobId);
    // the copy was the upload's last use: the worker deletes it
    const uploads = await uploadStoreOf(queues.classify);
    await vi.waitFor(async () => expect(await uploads.get(jobId)).toBeUndefined(), { timeout: 10_000, interval: 100 });
    // another server posts the file: the kept jobs answer it, and its upload is not stored again
    expect((await enqueueClassify(queues.classify, bytes, 'again.wav')).existing).toBe(true);
    expect(await uploads.get(jobId)).toBeUndefined();
    expect(await waitForClassify(queues.classify, queues.events.classify, jobId)).toEqual(result);
    expect((await waitForCopy(queues.copy, queues.events.copy, jobId)).audioCopy).toEqual(audioCopy);
    expect(audioCopy).toMatchObject({ mimeType: 'audio/ogg', codec: 'opus', bitrateKbps: 64, frameMs: 20, sampleRateHz: 48_000 });
    expect(audioCopy.loudness.targetLufs).toBe(-16);
    expect(audioCopy.loudness.gainDb).toBeCloseTo(Math.min(-16 - audioCopy.loudness.integratedLufs, -1 - (audioCopy.loudness.samplePeakDbfs ?? 0)), 1);
    const oggBytes = Buffer.from(audioCopy.base64, 'base64');
    const copy = await decodeAudio(new Uint8Array(oggBytes));
    expect(copy.codec).toBe('opus');
    expect(copy.durationS).toBeCloseTo(30, 0);

    // The stored copy analysed again, as after a model change.
    const embed = await enqueueEmbed(queues.embed, jobId, oggBytes, result.modelVersion, audioCopy.loudness.gainDb);
    const again = await waitForEmbed(queues.embed, queues.events.embed, embed.jobId);
    expect(again).toMatchObject({ hash: jobId, modelVersion: result.modelVersion });
    expect(again.analysis.durationS).toBeCloseTo(30, 0);
    const cosine = again.analysis.embedding.reduce((sum, x, i) => sum + x * (result.analysis.embedding[i] ?? 0), 0);
    expect(cosine).toBeGreaterThan(0.8);
  });

  it('the same bytes enqueued twice make one job and one analysis', async () => {
    await setUp(true);
    let completed = 0;
    for (const worker of running?.workers ?? []) if (worker.name === 'classify') worker.on('completed', () => completed++);
    const bytes = clip('rock.00000.wav');
    const [a, b] = await Promise.all([enqueueClassify(queues.classify, bytes, 'a.wav'), enqueueClassify(queues.classify, bytes, 'b.wav')]);
    expect(a.jobId).toBe(b.jobId);
    const first = await waitForClassify(queues.classify, queues.events.classify, a.jobId);
    const again = await enqueueClassify(queues.classify, bytes, 'c.wav');
    expect(again.existing).toBe(true);
    expect(await waitForClassify(queues.classify, queues.events.classify, again.jobId)).toEqual(first);
    expect(completed).toBe(1);
    expect(await queues.classify.getJobCounts('completed', 'waiting', 'active', 'failed')).toEqual({ completed: 1, waiting: 0, active: 0, failed: 0 });
  });

  it('a text file fails at once with NOT_AUDIO and is not retried', async () => {
    await setUp(true);
    const text = new TextEncoder().encode('These are my notes, not a song.\n'.repeat(50));
    const { jobId } = await enqueueClassify(queues.classify, text, 'notes.mp3');
    const failure = await waitForClassify(queues.classify, queues.events.classify, jobId).catch((e: unknown) => e);
    expect(failure).toBeInstanceOf(JobFailure);
    expect(failure).toMatchObject({ code: 'NOT_AUDIO', final: true });
    const job = await queues.classify.getJob(jobId);
    expect(job?.attemptsMade).toBe(1);
    expect(await job?.getState()).toBe('failed');
  });
});

describe('uploads in Redis', () => {
  it('a job queued by the previous version, with its upload in its data, is classified and copied', async () => {
    await setUp(true);
    const bytes = clip('blues.00000.wav');
    const hash = contentHash(bytes);
    await queues.classify.add('classify', { hash, fileName: 'blues.wav', audioBase64: Buffer.from(bytes).toString('base64') }, { jobId: hash });
    const result = await waitForClassify(queues.classify, queues.events.classify, hash);
    expect(result.analysis.durationS).toBeCloseTo(30, 0);
    // its copy job carries the hash: the bytes went to the upload store
    await vi.waitFor(async () => expect((await queues.copy.getJob(copyJobId(hash)))?.data).toEqual({ hash }), { timeout: 10_000, interval: 100 });
    const { audioCopy } = await waitForCopy(queues.copy, queues.events.copy, hash);
    expect(audioCopy.codec).toBe('opus');
  });

  it('an upload gone before its job runs fails it for good with UPLOAD_GONE; posted again, it is stored and the job retried', async () => {
    await setUp(false);
    const uploads = await uploadStoreOf(queues.classify);
    const text = new TextEncoder().encode('Not a song, and soon not stored either.\n'.repeat(20));
    const other = new TextEncoder().encode('Another upload that expires before its copy is made.\n'.repeat(20));
    const classify = await enqueueClassify(queues.classify, text, 'notes.mp3');
    // as a classification leaves it: the upload stored, then its copy job
    await uploads.put(contentHash(other), other);
    const copy = await enqueueCopyOfClassify(queues.copy, { hash: contentHash(other) });
    await uploads.delete(classify.hash);
    await uploads.delete(copy.hash);
    running = await startWorkers({ workerConcurrency: 1, queuePrefix: prefix }, logger, redis.connection);
    for (const [queue, jobId] of [[queues.classify, classify.jobId], [queues.copy, copy.jobId]] as const) {
      await vi.waitFor(async () => expect(await queue.getJobState(jobId)).toBe('failed'), { timeout: 30_000, interval: 100 });
      const job = await queue.getJob(jobId);
      expect(job?.attemptsMade).toBe(1);
      expect(decodeFailure(job?.failedReason)).toMatchObject({ code: UPLOAD_GONE });
    }
    await expect(waitForClassify(queues.classify, queues.events.classify, classify.jobId)).rejects.toMatchObject({ code: UPLOAD_GONE, final: true });
    expect(jobFailureText('notes.mp3', failureFromReason((await queues.classify.getJob(classify.jobId))?.failedReason))).toMatch(/send it again/);

    expect((await enqueueClassify(queues.classify, text, 'notes.mp3')).existing).toBe(true);
    await vi.waitFor(async () => expect(decodeFailure((await queues.classify.getJob(classify.jobId))?.failedReason)).toMatchObject({ code: 'NOT_AUDIO' }), { timeout: 30_000, interval: 100 });
    // bad audio gets no copy: the worker deletes its upload
    await vi.waitFor(async () => expect(await uploads.get(classify.hash)).toBeUndefined(), { timeout: 10_000, interval: 100 });
  });
});

describe('worker processes', () => {
  it('a worker killed mid-job: the job completes on the next worker', async () => {
    await setUp(false);
    const first = spawnWorkerProcess();
    const { jobId } = await enqueueClassify(queues.classify, clip('country.00000.wav'), 'country.wav');
    const midJob = new Promise<void>((done) => {
      const listener = ({ jobId: id, data }: { jobId: string; data: unknown }): void => {
        if (id === jobId && (data as ClassifyProgress).stage === 'analysing') {
          queues.events.classify.off('progress', listener);
          done();
        }
      };
      queues.events.classify.on('progress', listener);
    });
    await midJob;
    // The worker process alone, as the OOM killer would: its sandbox child must notice and leave.
    const killed = new Promise((done) => first.once('exit', done));
    first.kill('SIGKILL');
    await killed;
    expect(await queues.classify.getJobState(jobId)).toBe('active');
    spawnWorkerProcess();
    const result = await waitForClassify(queues.classify, queues.events.classify, jobId, { timeoutMs: 45_000 });
    expect(result.hash).toBe(jobId);
    expect(result.analysis.genres).toHaveLength(GENRES.length);
    expect(groupAlive(first.pid!)).toBe(false);
  });
});
