import type { Logger } from 'pino';
import { GENRES, isGenre, type Genre } from '../ml/genres.js';
import { Library, type RecTrack } from '../recs/library.js';
import type { TrackChange, TrackRepository } from '../store/track-repository.js';
import type { StoredTrack } from '../store/types.js';

/**
 * A server's fine-tuned genre head as the library sees it: `key` names one trained model (a new
 * key rebuilds the genre probabilities), `apply` maps an embedding and the shipped model's
 * probabilities (GENRES order) to the server's probabilities.
 */
export interface GenreHead {
  key: string;
  apply(embedding: ArrayLike<number>, baseProbabilities: readonly number[]): number[];
}

/** The shipped model's genre probabilities of a stored track, in {@link GENRES} order. */
export function baseProbabilities(track: StoredTrack): number[] {
  const byGenre = new Map(track.analysis.genres.map((g) => [g.genre, g.probability]));
  return GENRES.map((g) => byGenre.get(g) ?? 0);
}

/**
 * The recommender's view of a stored track: a member's correction is certain (one-hot), else
 * the server's genre head when it has one, else the shipped model's probabilities.
 */
export function toRecTrack(track: StoredTrack, head?: GenreHead): RecTrack {
  const embedding = Float32Array.from(track.analysis.embedding);
  let genreProbabilities = baseProbabilities(track);
  if (track.correctedGenre) genreProbabilities = GENRES.map((g) => (g === track.correctedGenre ? 1 : 0));
  else if (head) genreProbabilities = head.apply(embedding, genreProbabilities);
  return { id: track.id, title: track.title, ...(track.artist !== undefined && { artist: track.artist }), embedding, genreProbabilities };
}

/** The genre a recommender track counts as: its most probable one. */
export function recGenre(track: RecTrack): Genre | undefined {
  const p = track.genreProbabilities;
  if (!p || p.length === 0) return undefined;
  const name = GENRES[p.indexOf(Math.max(...p))];
  return name !== undefined && isGenre(name) ? name : undefined;
}

/** A server's library for the recommender, and its tracks by id (for listing and subsets). */
export interface ServerLibrary {
  library: Library;
  tracks: ReadonlyMap<string, RecTrack>;
}

interface Entry {
  /** Resolves once the server's tracks were read; changes wait for it, so none is lost. */
  ready: Promise<void>;
  /** The stored records' recommender fields, by id (kept to rebuild for a new head). */
  stored: Map<string, StoredTrack>;
  library: Library;
  recTracks: Map<string, RecTrack>;
  headKey: string;
  head?: GenreHead;
}

/**
 * Each server's {@link Library}, read from the store once and then kept up to date from the
 * track repository's change events (adds, re-analyses, corrections, removals), so that a
 * request pays for the vector scan only. A new genre head (after training) rebuilds the
 * probabilities from the kept records, without reading the store again. Tracks whose embedding
 * length differs from the server's first track (another model version) are left out.
 */
export class LibraryCache {
  private readonly entries = new Map<string, Entry>();

  constructor(
    private readonly tracks: Pick<TrackRepository, 'all' | 'onChange'>,
    private readonly logger?: Pick<Logger, 'warn'>,
  ) {
    tracks.onChange((change) => this.apply(change));
  }

  /** The server's library with `head` applied (none: the shipped model's genres). */
  async get(guildId: string, head?: GenreHead): Promise<ServerLibrary> {
    let entry = this.entries.get(guildId);
    if (!entry) {
      entry = this.load(guildId);
      this.entries.set(guildId, entry);
      try {
        await entry.ready;
      } catch (error) {
        this.entries.delete(guildId);
        throw error;
      }
    }
    await entry.ready;
    const key = head?.key ?? '';
    if (entry.headKey !== key) this.rebuild(entry, head);
    return { library: entry.library, tracks: entry.recTracks };
  }

  /** Forgets every cached library (they are read again on the next request). */
  clear(): void {
    this.entries.clear();
  }

  private load(guildId: string): Entry {
    const entry: Entry = { ready: Promise.resolve(), stored: new Map(), library: new Library(1, GENRES), recTracks: new Map(), headKey: '' };
    entry.ready = (async () => {
      for await (const track of this.tracks.all(guildId)) entry.stored.set(track.id, track);
      this.rebuild(entry, undefined);
    })();
    return entry;
  }

  private rebuild(entry: Entry, head: GenreHead | undefined): void {
    const first = entry.stored.values().next().value;
    // An empty library gets a placeholder size: its first track rebuilds it.
    const dim = first?.analysis.embedding.length ?? 1;
    entry.library = new Library(dim, GENRES, Math.max(16, entry.stored.size));
    entry.recTracks = new Map();
    for (const track of entry.stored.values()) this.addTo(entry, track, head);
    entry.head = head;
    entry.headKey = head?.key ?? '';
  }

  private addTo(entry: Entry, track: StoredTrack, head: GenreHead | undefined): void {
    const { library } = entry;
    if (track.analysis.embedding.length !== library.dim) {
      this.logger?.warn({ guildId: track.guildId, trackId: track.id, dim: track.analysis.embedding.length, libraryDim: library.dim }, 'track left out of recommendations: embedding of another size');
      return;
    }
    const rec = toRecTrack(track, head);
    library.add(rec);
    entry.recTracks.set(rec.id, rec);
  }

  private apply(change: TrackChange): void {
    const guildId = change.kind === 'upsert' ? change.track.guildId : change.guildId;
    const entry = this.entries.get(guildId);
    if (!entry) return;
    if (change.kind === 'removeGuild') {
      this.entries.delete(guildId);
      return;
    }
    // Applied after the initial read, in order: a change the read already saw is applied again (harmless).
    void entry.ready.then(() => {
      if (change.kind === 'remove') {
        entry.stored.delete(change.id);
        entry.recTracks.delete(change.id);
        entry.library.remove(change.id);
      } else if (entry.library.size === 0) {
        entry.stored.set(change.track.id, change.track);
        this.rebuild(entry, entry.head);
      } else {
        entry.stored.set(change.track.id, change.track);
        this.addTo(entry, change.track, entry.head);
      }
    }, () => undefined);
  }
}
