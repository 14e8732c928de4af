/** Test-only helpers for the store tests: temporary data folders, a recording logger, records. */
import { createHash } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { KeyvSqlite } from '@keyv/sqlite';
import { GENRES, type Genre } from '../ml/genres.js';
import { DATABASE_FILE, openStores, type OpenStoresOptions, type StoreLogger, type Stores } from './open.js';
import type { FeedbackEvent, StoredTrack } from './types.js';

export const GUILD_A = '100000000000000001';
export const GUILD_B = '200000000000000002';
export const USER_1 = '300000000000000003';
export const USER_2 = '400000000000000004';

/** A logger that keeps what it is given. */
export function recordingLogger(): StoreLogger & { entries: { level: string; details: object; message: string }[] } {
  const entries: { level: string; details: object; message: string }[] = [];
  return {
    entries,
    warn: (details, message) => entries.push({ level: 'warn', details, message }),
    error: (details, message) => entries.push({ level: 'error', details, message }),
  };
}

/** A fresh data folder; `open()` opens stores on it (closed by `dispose()`). */
export async function tempDataDir(): Promise<{
  dir: string;
  logger: ReturnType<typeof recordingLogger>;
  open: (options?: OpenStoresOptions) => Promise<Stores>;
  dispose: () => Promise<void>;
}> {
  const dir = await mkdtemp(join(tmpdir(), 'cratedigger-store-test-'));
  const logger = recordingLogger();
  const opened: Stores[] = [];
  return {
    dir,
    logger,
    open: async (options) => {
      const stores = await openStores(dir, { logger, ...options });
      opened.push(stores);
      return stores;
    },
    dispose: async () => {
      for (const stores of opened) await stores.close();
      await rm(dir, { recursive: true, force: true });
    },
  };
}

/** The SHA-256 of `text`, as a track id. */
export function hashOf(text: string): string {
  return createHash('sha256').update(text).digest('hex');
}

/** A valid track whose model says `genre` most strongly. */
export function makeTrack(guildId: string, name: string, overrides: Partial<StoredTrack> & { genre?: Genre } = {}): StoredTrack {
  const { genre = 'rock', ...rest } = overrides;
  const genres = [genre, ...GENRES.filter((other) => other !== genre)].map((each, i) => ({
    genre: each,
    probability: i === 0 ? 0.55 : 0.05,
  }));
  const durationS = rest.durationS ?? 30;
  return {
    id: hashOf(name),
    guildId,
    title: name,
    fileName: `${name}.mp3`,
    uploaderId: USER_1,
    durationS,
    tempoBpm: 120,
    analysis: {
      durationS,
      tempoBpm: 120,
      genres,
      segments: [{ startS: 0, endS: durationS, genres, tempoBpm: 120 }],
      embedding: Array.from({ length: 16 }, (_, i) => (i === 0 ? 1 : 0)),
    },
    modelVersion: '1.0.0',
    audioBytes: 0,
    addedAt: '2026-11-22T10:00:00.000Z',
    ...rest,
  };
}

/** A 👍 (1) or 👎 (-1) reaction event. */
export function reaction(
  guildId: string,
  userId: string,
  messageId: string,
  trackId: string,
  value: 1 | -1,
  at: string,
): FeedbackEvent {
  return { guildId, userId, messageId, trackId, value, source: 'reaction', weight: 1, at };
}

/** Runs SQL on the data folder's database file directly (to damage rows, to read query plans). */
export async function rawSql(dir: string, sql: string, ...params: unknown[]): Promise<unknown[]> {
  const db = new KeyvSqlite({ uri: `sqlite://${join(dir, DATABASE_FILE)}` });
  try {
    return (await db.query(sql, ...params)) as unknown[];
  } finally {
    await db.disconnect();
  }
}
