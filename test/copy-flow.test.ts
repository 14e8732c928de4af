import { mkdtemp, readdir, rm } from 'node:fs/promises';
import { readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { copyLikelyFits, keepCopy } from '../src/bot/copy-flow.js';
import type { Deps } from '../src/bot/deps.js';
import { createLogger } from '../src/infra/logger.js';
import { contentHash } from '../src/jobs/hash.js';
import { copyJobId, enqueueClassify, uploadStoreOf } from '../src/jobs/producer.js';
import { createJobQueues, type JobQueues } from '../src/jobs/queues.js';
import { QUEUE_NAMES } from '../src/jobs/schemas.js';
import { openStores, type Stores } from '../src/store/index.js';
import { GUILD_A, makeTrack } from '../src/store/test-support.js';
import { startWorkers, type RunningWorkers } from '../workers/run.js';
import { PARITY_DIR } from './gtzan.js';
import { startTestRedis, uniquePrefix, type TestRedis } from './redis.js';

/**
 * The bot's side of playback copies against real Redis, a real copy worker and real SQLite: a
 * copy job that never appeared is made from the classification's stored upload, stored with its
 * loudness description, counted on the track, and its "wanted" mark cleared.
 */
const logger = createLogger({ level: 'warn', base: { service: 'test' } });
let redis: TestRedis;
let queues: JobQueues;
let stores: Stores;
let dataDir: string;
let workers: RunningWorkers;

beforeAll(async () => {
  redis = await startTestRedis();
  const prefix = uniquePrefix('copies');
  queues = createJobQueues({ connection: redis.connection, prefix }, (error, source) => logger.error({ err: error, source }));
  dataDir = await mkdtemp(join(tmpdir(), 'cratedigger-copies-'));
  stores = await openStores(dataDir, { logger, audioQuotaBytesPerGuild: 10 * 1024 * 1024 });
  // only the copy queue is served: the classify job stays waiting, as if its worker had died
  workers = await startWorkers({ workerConcurrency: 1, queuePrefix: prefix }, logger, redis.connection, { queues: [QUEUE_NAMES.copy] });
}, 30_000);

afterAll(async () => {
  await workers?.close();
  await queues?.close();
  await stores?.close();
  await redis?.stop();
  await rm(dataDir, { recursive: true, force: true });
});

function deps(): Deps {
  return {
    logger,
    stores: { ...stores, images: { put: () => Promise.resolve(), get: () => Promise.resolve(undefined) } },
    jobs: { classify: queues.classify, classifyEvents: queues.events.classify, copy: queues.copy, copyEvents: queues.events.copy },
    settings: { maxUploadBytes: 25 * 1024 * 1024, attachmentHosts: [], modelVersion: 'test', messageContent: true },
  } as unknown as Deps;
}

describe('keepCopy', () => {
  it('makes a missing copy job from the classification\'s upload and stores the copy with its description', async () => {
    const bytes = new Uint8Array(readFileSync(join(PARITY_DIR, 'classical.00001.wav')));
    const hash = contentHash(bytes);
    await enqueueClassify(queues.classify, bytes, 'classical.wav');
    await stores.tracks.upsert(makeTrack(GUILD_A, 'classical', { id: hash, audioBytes: 0 }));
    await stores.audio.want(GUILD_A, hash);
    expect(await queues.copy.getJob(copyJobId(hash))).toBeUndefined();

    expect(await keepCopy(GUILD_A, hash, deps())).toBe('kept');
    const size = await stores.audio.size(GUILD_A, hash);
    expect(size).toBeGreaterThan(10_000);
    expect((await stores.tracks.get(GUILD_A, hash))?.audioBytes).toBe(size);
    const info = await stores.audio.info(GUILD_A, hash);
    expect(info).toMatchObject({ codec: 'opus', frameMs: 20, sampleRateHz: 48_000, loudness: { targetLufs: -16 } });
    expect(await stores.audio.wanted()).toEqual([]);
    expect(await readdir(join(dataDir, 'audio', GUILD_A))).toEqual(expect.arrayContaining([`${hash}.ogg`, `${hash}.json`]));
  }, 60_000);

  it('makes it from a classify job of the previous version (its upload in its data); fails when the upload is gone', async () => {
    const bytes = new Uint8Array(readFileSync(join(PARITY_DIR, 'jazz.00002.wav')));
    const hash = contentHash(bytes);
    await queues.classify.add(QUEUE_NAMES.classify, { hash, fileName: 'jazz.wav', audioBase64: Buffer.from(bytes).toString('base64') }, { jobId: hash });
    await stores.tracks.upsert(makeTrack(GUILD_A, 'jazz', { id: hash, audioBytes: 0 }));
    await stores.audio.want(GUILD_A, hash);
    expect(await keepCopy(GUILD_A, hash, deps())).toBe('kept');
    expect((await queues.copy.getJob(copyJobId(hash)))?.data).toEqual({ hash });

    const text = new TextEncoder().encode('an upload that expired before its copy was made');
    const gone = await enqueueClassify(queues.classify, text, 'gone.mp3');
    await (await uploadStoreOf(queues.classify)).delete(gone.hash);
    await stores.tracks.upsert(makeTrack(GUILD_A, 'rock', { id: gone.hash, audioBytes: 0 }));
    await stores.audio.want(GUILD_A, gone.hash);
    expect(await keepCopy(GUILD_A, gone.hash, deps())).toBe('failed');
    expect(await queues.copy.getJob(copyJobId(gone.hash))).toBeUndefined();
    expect(await stores.audio.wanted()).toEqual([]);
    await stores.tracks.remove(GUILD_A, gone.hash);
  }, 60_000);

  it('stores nothing for a track removed meanwhile, and says when a copy will not fit', async () => {
    const bytes = new Uint8Array(readFileSync(join(PARITY_DIR, 'classical.00001.wav')));
    const hash = contentHash(bytes);
    await stores.tracks.remove(GUILD_A, hash);
    await stores.audio.want(GUILD_A, hash);
    // the copy job of the first test is there: no work, only the decision
    expect(await keepCopy(GUILD_A, hash, deps())).toBe('gone');
    expect(await stores.audio.size(GUILD_A, hash)).toBe(0);
    expect(await stores.audio.wanted()).toEqual([]);
    expect(await copyLikelyFits(GUILD_A, 60, deps())).toBe(true);
    expect(await copyLikelyFits(GUILD_A, 3 * 3600, deps())).toBe(false);
  }, 30_000);
});
