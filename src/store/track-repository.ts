import type { Genre } from '../ml/genres.js';
import type { AudioCopyStore } from './audio-copy-store.js';
import type { Collection } from './collection.js';
import { KeyedLock } from './keyed-lock.js';
import type { TrackMessageIndex } from './track-message-index.js';
import type { LibraryStats, StoredTrack, TrackPage, TrackQuery, TrackSummary } from './types.js';

/** Listing page size when a query names none, and the most one page may hold. */
export const DEFAULT_PAGE_SIZE = 10;
export const MAX_PAGE_SIZE = 100;

/** What {@link TrackRepository.upsert} did. */
export interface UpsertResult {
  track: StoredTrack;
  /** False when the server already had this track (the same audio). */
  created: boolean;
}

/** A change to a server's library, for in-memory views of it (e.g. the recommender's index). */
export type TrackChange =
  | { kind: 'upsert'; track: StoredTrack }
  | { kind: 'remove'; guildId: string; id: string }
  | { kind: 'removeGuild'; guildId: string };

/** Receives each change once it is written; it must not throw. */
export type TrackChangeListener = (change: TrackChange) => void;

/**
 * A server's library. Each track is kept twice: the full record (`tracks` namespace, with its
 * analysis) and a small summary (`track-summaries`) that listing, search and stats read, so a
 * listing never parses segments and embeddings. Keys: `<guildId>:<hash>` in both. The full
 * record is written first and removed last, so a summary never points at nothing for long.
 */
export class TrackRepository {
  private readonly lock = new KeyedLock();
  private readonly listeners = new Set<TrackChangeListener>();

  constructor(
    private readonly tracks: Collection<StoredTrack>,
    private readonly summaries: Collection<TrackSummary>,
    private readonly audio: AudioCopyStore,
    private readonly messages: TrackMessageIndex,
  ) {}

  /**
   * Adds a track, or updates it when the server already has the same audio: the analysis, model
   * version, tags and audio size are replaced; `addedAt`, `uploaderId`, `messageUrl` and any
   * `correctedGenre` of the first upload are kept.
   */
  upsert(track: StoredTrack): Promise<UpsertResult> {
    return this.lock.run(key(track.guildId, track.id), async () => {
      const existing = await this.tracks.get(key(track.guildId, track.id));
      const merged: StoredTrack = existing
        ? {
            ...track,
            addedAt: existing.addedAt,
            uploaderId: existing.uploaderId,
            messageUrl: existing.messageUrl ?? track.messageUrl,
            correctedGenre: existing.correctedGenre ?? track.correctedGenre,
          }
        : track;
      return { track: await this.write(merged), created: existing === undefined };
    });
  }

  /** Calls `listener` after each write or removal in this process; returns the unsubscribe function. */
  onChange(listener: TrackChangeListener): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  /** The full record, or undefined when the server has no such track. */
  get(guildId: string, id: string): Promise<StoredTrack | undefined> {
    return this.tracks.get(key(guildId, id));
  }

  /** The full records of `ids` that the server has, by id. */
  async getMany(guildId: string, ids: readonly string[]): Promise<Map<string, StoredTrack>> {
    const unique = [...new Set(ids)];
    const found = await this.tracks.getMany(unique.map((id) => key(guildId, id)));
    const result = new Map<string, StoredTrack>();
    for (const track of found) if (track) result.set(track.id, track);
    return result;
  }

  /** Every full record of the server, in key order (for similarity search and training). */
  async *all(guildId: string): AsyncGenerator<StoredTrack> {
    for await (const [, track] of this.tracks.entries(`${guildId}:`)) yield track;
  }

  /**
   * One page of the server's library, newest first: `search` matches title, artist, album and
   * file name, ignoring case and accents; `genre` matches the shown genre (correction first).
   * `limit` defaults to {@link DEFAULT_PAGE_SIZE} and is capped at {@link MAX_PAGE_SIZE}.
   * `genreOf` gives the genre a track counts as for `genre` (a server's view); by default its summary's.
   */
  async list(guildId: string, query: TrackQuery = {}, genreOf: (track: TrackSummary) => Genre = (track) => track.genre): Promise<TrackPage> {
    const offset = Math.max(0, Math.floor(query.offset ?? 0));
    const limit = Math.min(MAX_PAGE_SIZE, Math.max(1, Math.floor(query.limit ?? DEFAULT_PAGE_SIZE)));
    const needle = query.search === undefined ? '' : fold(query.search.trim());
    const matches = (await this.summaries.values(`${guildId}:`)).filter(
      (track) =>
        (query.genre === undefined || genreOf(track) === query.genre) &&
        (needle === '' || [track.title, track.artist, track.album, track.fileName].some((field) => field !== undefined && fold(field).includes(needle))),
    );
    matches.sort((a, b) => b.addedAt.localeCompare(a.addedAt) || a.title.localeCompare(b.title));
    return { items: matches.slice(offset, offset + limit), total: matches.length, offset, limit };
  }

  /**
   * Track count, total duration, audio bytes and counts per shown genre (most tracks first).
   * `genreOf` gives the genre a track counts as (a server's view); by default its summary's.
   */
  async stats(guildId: string, genreOf: (track: TrackSummary) => Genre = (track) => track.genre): Promise<LibraryStats> {
    const byGenre = new Map<Genre, { count: number; durationS: number }>();
    const stats: LibraryStats = { trackCount: 0, totalDurationS: 0, audioBytes: 0, genres: [] };
    for (const track of await this.summaries.values(`${guildId}:`)) {
      stats.trackCount++;
      stats.totalDurationS += track.durationS;
      stats.audioBytes += track.audioBytes;
      const genre = genreOf(track);
      const entry = byGenre.get(genre) ?? { count: 0, durationS: 0 };
      entry.count++;
      entry.durationS += track.durationS;
      byGenre.set(genre, entry);
    }
    stats.genres = [...byGenre].map(([genre, entry]) => ({ genre, ...entry }));
    stats.genres.sort((a, b) => b.count - a.count || a.genre.localeCompare(b.genre));
    return stats;
  }

  /**
   * Sets (or, with undefined, clears) the member-corrected genre.
   * @returns the updated track, or undefined when the server has no such track.
   */
  setCorrectedGenre(guildId: string, id: string, genre: Genre | undefined): Promise<StoredTrack | undefined> {
    return this.lock.run(key(guildId, id), async () => {
      const track = await this.tracks.get(key(guildId, id));
      if (!track) return undefined;
      const updated: StoredTrack = { ...track, correctedGenre: genre };
      if (genre === undefined) delete updated.correctedGenre;
      return this.write(updated);
    });
  }

  /**
   * Records the size of the track's stored audio copy (made after the track was added).
   * @returns the updated track, or undefined when the server has no such track (removed meanwhile).
   */
  setAudioBytes(guildId: string, id: string, audioBytes: number): Promise<StoredTrack | undefined> {
    return this.lock.run(key(guildId, id), async () => {
      const track = await this.tracks.get(key(guildId, id));
      if (!track) return undefined;
      return this.write({ ...track, audioBytes });
    });
  }

  /**
   * Removes a track with its audio copy and its message mappings (members' feedback and genre
   * labels stay: they are the members' data, deleted by their own forget-me).
   * @returns false when the server had no such track.
   */
  remove(guildId: string, id: string): Promise<boolean> {
    return this.lock.run(key(guildId, id), async () => {
      const hadSummary = await this.summaries.delete(key(guildId, id));
      const hadTrack = await this.tracks.delete(key(guildId, id));
      const hadAudio = await this.audio.remove(guildId, id);
      await this.messages.removeForTrack(guildId, id);
      this.emit({ kind: 'remove', guildId, id });
      return hadSummary || hadTrack || hadAudio;
    });
  }

  /** Deletes every track record of the server (for leaving a server); returns how many tracks. */
  async removeGuild(guildId: string): Promise<number> {
    const count = await this.summaries.deletePrefix(`${guildId}:`);
    const removed = Math.max(count, await this.tracks.deletePrefix(`${guildId}:`));
    this.emit({ kind: 'removeGuild', guildId });
    return removed;
  }

  private async write(track: StoredTrack): Promise<StoredTrack> {
    const stored = await this.tracks.set(key(track.guildId, track.id), track);
    await this.summaries.set(key(track.guildId, track.id), summarise(stored));
    this.emit({ kind: 'upsert', track: stored });
    return stored;
  }

  private emit(change: TrackChange): void {
    for (const listener of this.listeners) listener(change);
  }
}

/** The summary kept for listing: the record without its analysis, with its shown genre. */
export function summarise(track: StoredTrack): TrackSummary {
  const top = track.analysis.genres.reduce((best, score) => (score.probability > best.probability ? score : best));
  const summary: TrackSummary & Partial<Pick<StoredTrack, 'analysis' | 'modelVersion'>> = {
    ...track,
    genre: track.correctedGenre ?? top.genre,
    topGenre: top.genre,
    topProbability: top.probability,
  };
  delete summary.analysis;
  delete summary.modelVersion;
  return summary;
}

function key(guildId: string, id: string): string {
  return `${guildId}:${id}`;
}

/** Lower case without accents, for search ("Beyoncé" matches "beyonce"). */
function fold(text: string): string {
  return text.normalize('NFKD').replace(/\p{M}/gu, '').toLocaleLowerCase('en');
}
