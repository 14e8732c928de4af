import { FlatIndex } from './vector-index.js';

/** Default library size from which the index pre-scans (below it, an exact scan takes a few ms). */
export const PRESCAN_AT_SIZE = 20_000;

/** A track as the recommender sees it: plain data, taken from a StoredTrack. */
export interface RecTrack {
  /** The track id (content hash). */
  id: string;
  title: string;
  artist?: string;
  /** L2-normalised embedding (e.g. the 120-d one of the genre model). */
  embedding: ArrayLike<number>;
  /** Genre probabilities in a fixed genre order (see {@link Library.genres}); optional. */
  genreProbabilities?: readonly number[];
}

/** A member's 👍/👎 on a track, as plain data (a FeedbackEvent without the Discord fields). */
export interface RecFeedback {
  userId: string;
  trackId: string;
  value: 1 | -1;
  /** Confidence in (0, 1]; default 1. */
  weight?: number;
  /** When it was given, ms since the epoch. */
  atMs: number;
}

/**
 * A server's library prepared for recommendation: the tracks by id and a {@link FlatIndex} of
 * their embeddings. Built once and kept up to date with {@link add} and {@link remove}, so that
 * requests pay only for the scan, not for copying embeddings.
 */
export class Library {
  readonly index: FlatIndex;
  private readonly tracks = new Map<string, RecTrack>();

  /**
   * @param dim embedding length
   * @param genres names of the genres in `genreProbabilities` order (used in reasons), e.g. GENRES
   * @param capacity tracks to reserve room for
   * @param prescanAtSize once the library holds this many tracks, its index enables the int8
   *   pre-scan (see {@link FlatIndex.enablePrescan}; about half a second at 20k tracks, once);
   *   default 20000, Infinity for exact scans only
   */
  constructor(
    readonly dim: number,
    readonly genres: readonly string[] = [],
    capacity = 1024,
    private readonly prescanAtSize = PRESCAN_AT_SIZE,
  ) {
    this.index = new FlatIndex(dim, capacity);
  }

  /** A library holding `tracks`. */
  static of(tracks: readonly RecTrack[], dim: number, genres: readonly string[] = []): Library {
    const lib = new Library(dim, genres, tracks.length);
    for (const t of tracks) lib.add(t);
    return lib;
  }

  /** Number of tracks. */
  get size(): number {
    return this.tracks.size;
  }

  /** Adds or replaces a track. */
  add(track: RecTrack): void {
    this.index.add(track.id, track.embedding);
    this.tracks.set(track.id, track);
    if (this.index.size >= this.prescanAtSize && this.index.prescanKind === undefined) this.index.enablePrescan({ minItems: this.prescanAtSize });
  }

  /** Removes a track; returns whether it was there. */
  remove(id: string): boolean {
    this.index.remove(id);
    return this.tracks.delete(id);
  }

  /** The track with `id`, or undefined. */
  get(id: string): RecTrack | undefined {
    return this.tracks.get(id);
  }
}
