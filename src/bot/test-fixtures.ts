import { afterEach, beforeEach } from 'vitest';
import { trainingInput } from '../jobs/train-input.js';
import { GENRES, type Genre } from '../ml/genres.js';
import { fitServerModel, type ServerModel } from '../recs/server-model.js';
import type { Stores } from '../store/index.js';
import { makeTrack, tempDataDir } from '../store/test-support.js';
import type { StoredTrack } from '../store/types.js';
import type { Deps } from './deps.js';
import { LibraryCache } from './recommend-library.js';

/** Test fixtures of the bot's recommendation and genre-view tests. */

/** A unit embedding of 16 values near the genre's axis, a little different per track. */
export function genreEmbedding(genre: Genre, n: number): number[] {
  const v = Array.from({ length: 16 }, (_, i) => (i === GENRES.indexOf(genre) ? 1 : 0.02 * Math.sin(n * 7 + i)));
  const norm = Math.hypot(...v);
  return v.map((x) => x / norm);
}

/** Track `<genre>-<n>` of a server, with the model's top genre `genre` and {@link genreEmbedding}. */
export function genreTrack(guildId: string, genre: Genre, n: number): StoredTrack {
  const base = makeTrack(guildId, `${genre}-${n}`, { genre });
  return { ...base, analysis: { ...base.analysis, embedding: genreEmbedding(genre, n) } };
}

/** What recommendations and genre views need, over real stores (no spectrograms kept). */
export function recsDeps(stores: Stores): Pick<Deps, 'stores' | 'recs'> {
  return { stores: { ...stores, images: { put: () => Promise.resolve(), get: () => Promise.resolve(undefined) } }, recs: { libraries: new LibraryCache(stores.tracks) } };
}

/** What a recommendation or genre-view test works on: real stores and the deps built on them. */
export interface RecsTestEnv {
  /** Stores on the test's own temporary data folder. */
  readonly stores: Stores;
  /** {@link recsDeps} of {@link stores}. */
  readonly deps: Pick<Deps, 'stores' | 'recs'>;
}

/**
 * Registers, in the calling test file or `describe`, a `beforeEach` that opens fresh stores on a
 * new temporary data folder and an `afterEach` that closes them and deletes the folder. The
 * returned object reads the current test's stores and deps, so call it once at the top level and
 * use it inside tests only (outside one it throws).
 */
export function recsTestEnv(): RecsTestEnv {
  let env: Awaited<ReturnType<typeof tempDataDir>> | undefined;
  let current: { stores: Stores; deps: Pick<Deps, 'stores' | 'recs'> } | undefined;
  beforeEach(async () => {
    env = await tempDataDir();
    const stores = await env.open();
    current = { stores, deps: recsDeps(stores) };
  });
  afterEach(async () => {
    current = undefined;
    await env?.dispose();
    env = undefined;
  });
  const now = (): NonNullable<typeof current> => {
    if (!current) throw new Error('recsTestEnv: stores exist only while a test runs');
    return current;
  };
  return {
    get stores() {
      return now().stores;
    },
    get deps() {
      return now().deps;
    },
  };
}

/** A member of the server corrects rock-0 to rock-4 (of {@link genreTrack}) to blues, as the select menu does. */
export async function correctRockToBlues(stores: Stores, guildId: string, userId: string): Promise<void> {
  for (let n = 0; n < 5; n++) {
    const trackId = genreTrack(guildId, 'rock', n).id;
    await stores.tracks.setCorrectedGenre(guildId, trackId, 'blues');
    await stores.labels.put({ guildId, userId, trackId, genre: 'blues', at: new Date(Date.UTC(2026, 10, 22, 10, n)).toISOString() });
  }
}

/** Fits the server's model on its stored tracks, reactions and corrections and stores it, as the `train` worker does. */
export async function trainAndStore(stores: Stores, guildId: string): Promise<ServerModel> {
  const all: StoredTrack[] = [];
  for await (const t of stores.tracks.all(guildId)) all.push(t);
  const model = fitServerModel(trainingInput(all, await stores.feedback.listByGuild(guildId), await stores.labels.listByGuild(guildId)));
  await stores.serverModels.put({ guildId, fittedAt: new Date().toISOString(), tracks: all.length, model });
  return model;
}
