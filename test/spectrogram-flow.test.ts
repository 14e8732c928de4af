import type { BaseMessageOptions } from 'discord.js';
import { pino } from 'pino';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import type { AnswerTarget } from '../src/bot/answer.js';
import type { Deps } from '../src/bot/deps.js';
import { finishRequest } from '../src/bot/finish.js';
import { SPECTROGRAM_FILE } from '../src/bot/track-embed.js';
import { BlobStore } from '../src/jobs/blobs.js';
import { createJobQueues, type JobQueues } from '../src/jobs/queues.js';
import { ClassifyJobResult } from '../src/jobs/schemas.js';
import type { Stores } from '../src/store/index.js';
import { GUILD_A, USER_1, makeTrack, tempDataDir } from '../src/store/test-support.js';
import type { PendingRequest } from '../src/store/types.js';
import { useTestRedisWithClient } from './redis-hooks.js';
import { uniquePrefix } from './redis.js';

/**
 * The bot's side of the spectrogram blobs, against real Redis and real SQLite: a result of this
 * version carries no PNG and the bot reads the worker's blob on the classify queue's connection,
 * keeps it and deletes the blob; a result of the previous version (PNG inside) is still answered;
 * a blob gone (the bot away past its TTL) gives an answer without the picture, and a log line.
 */
const test = useTestRedisWithClient();
let env: Awaited<ReturnType<typeof tempDataDir>>;
let stores: Stores;
let queues: JobQueues;
let images: Map<string, Buffer>;
let logLines: { level: number; msg: string; hash?: string }[];

beforeAll(async () => {
  env = await tempDataDir();
  // no room for audio copies: the answer starts no copy job in the background
  stores = await env.open({ audioQuotaBytesPerGuild: 0 });
});
afterAll(async () => {
  await env.dispose();
});
beforeEach(() => {
  queues = createJobQueues({ connection: test.redis.connection, prefix: uniquePrefix('pngs') }, (error) => {
    throw error;
  });
  images = new Map();
  logLines = [];
});
afterEach(async () => {
  await queues.close();
});

function deps(): Deps {
  const logger = pino({ level: 'info' }, { write: (line: string) => void logLines.push(JSON.parse(line) as (typeof logLines)[number]) });
  return {
    logger,
    stores: {
      ...stores,
      images: { put: (id: string, png: Buffer) => Promise.resolve(void images.set(id, png)), get: (id: string) => Promise.resolve(images.get(id)) },
    },
    jobs: { classify: queues.classify, classifyEvents: queues.events.classify },
  } as unknown as Deps;
}

/** A finished request's answer, as {@link finishRequest} gives it to its target. */
async function answer(request: PendingRequest, result: ClassifyJobResult): Promise<BaseMessageOptions> {
  let shown: BaseMessageOptions | undefined;
  const target: AnswerTarget = { progress: () => Promise.resolve(), failure: () => Promise.resolve(), final: (payload) => ((shown = payload), Promise.resolve(undefined)) };
  expect(await finishRequest(request, result, target, deps())).toBe('added');
  expect(await stores.pending.get(GUILD_A, request.id)).toBeUndefined();
  return shown!;
}

// bytes that no text round trip keeps: a base64 or JSON detour anywhere would show
const png = Buffer.from(Array.from({ length: 3000 }, (_, i) => (i * 13) % 256));
let n = 0;

/** A new track's request and its result, as this version's worker writes it (no PNG inside). */
async function newRequest(): Promise<{ request: PendingRequest; result: ClassifyJobResult }> {
  n++;
  const track = makeTrack(GUILD_A, `png-${n}`);
  const request: PendingRequest = { id: `req-${n}`, hash: track.id, guildId: GUILD_A, channelId: '500000000000000005', userId: USER_1, fileName: `png-${n}.mp3`, createdAt: new Date().toISOString() };
  await stores.pending.put(request);
  const result = ClassifyJobResult.parse({ hash: track.id, modelVersion: '1.0.0', analysis: track.analysis, tags: {}, spectrogramBytes: png.length });
  return { request, result };
}

const attachment = (payload: BaseMessageOptions): Buffer | undefined => {
  const file = payload.files?.[0] as { attachment?: Buffer; name?: string } | undefined;
  if (file) expect(file.name).toBe(SPECTROGRAM_FILE);
  return file?.attachment;
};

describe('the spectrogram of a classify result', () => {
  it('is read from its Redis blob, shown, kept by the bot, and the blob deleted', async () => {
    const { request, result } = await newRequest();
    const blobs = new BlobStore(test.client, 'spectrogram', queues.classify.opts.prefix);
    await blobs.put(result.hash, png);
    expect(await test.client.exists(`${queues.classify.opts.prefix}:spectrogram:${result.hash}`)).toBe(1);
    const shown = await answer(request, result);
    expect(attachment(shown)).toEqual(png);
    expect(images.get(result.hash)).toEqual(png);
    expect(await blobs.get(result.hash)).toBeUndefined();
    expect(logLines.filter((l) => l.level >= 40)).toEqual([]);

    // a second request for the same file (another server, or an import) finds it kept by the bot
    const again = { ...request, id: 'req-again', guildId: '600000000000000006' };
    await stores.pending.put(again);
    expect(attachment(await answer(again, result))).toEqual(png);
  });

  it('is answered from a result of the previous version, which carries the PNG', async () => {
    const { request, result } = await newRequest();
    const old = ClassifyJobResult.parse({ ...result, spectrogramBytes: undefined, spectrogramPngBase64: png.toString('base64') });
    expect(old.spectrogramBytes).toBeUndefined();
    expect(attachment(await answer(request, old))).toEqual(png);
    expect(images.get(result.hash)).toEqual(png);
  });

  it('when its blob is gone, the answer goes out without the picture and the log says so', async () => {
    const { request, result } = await newRequest();
    const shown = await answer(request, result);
    expect(attachment(shown)).toBeUndefined();
    expect(shown.embeds).toHaveLength(1);
    expect(images.has(result.hash)).toBe(false);
    expect(logLines).toContainEqual(expect.objectContaining({ level: 40, hash: result.hash, msg: expect.stringMatching(/spectrogram is no longer in Redis/) as unknown }));
    expect((await stores.tracks.get(GUILD_A, result.hash))?.id).toBe(result.hash);
  });

  it('refuses a blob of another length than the result says (no picture rather than a wrong one)', async () => {
    const { request, result } = await newRequest();
    await new BlobStore(test.client, 'spectrogram', queues.classify.opts.prefix).put(result.hash, png.subarray(0, 100));
    expect(attachment(await answer(request, result))).toBeUndefined();
  });
});
