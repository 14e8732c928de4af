import type { Logger } from 'pino';
import { toRecTrack } from '../jobs/train-input.js';
import { GENRES, isGenre, type Genre } from '../ml/genres.js';
import { applyGenreHead, type ServerModel } from '../recs/server-model.js';
import { Library, type RecTrack } from '../recs/library.js';
import type { TrackChange, TrackRepository } from '../store/track-repository.js';
import type { StoredTrack } from '../store/types.js';

/**
 * The genre a recommender track counts as in its server: the most probable one, through the
 * server's fine-tuned genre head when it has one (a member's correction stays certain).
 */
export function recGenre(track: RecTrack, model?: ServerModel): Genre | undefined {
  const base = track.genreProbabilities;
  if (!base || base.length === 0) return undefined;
  const p = model ? applyGenreHead(model, track.embedding, base) : base;
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
  library: Library;
  recTracks: Map<string, RecTrack>;
}

/**
 * Each server's {@link Library}, read from the store once and then kept up to date from the
 * track repository's change events (adds, re-analyses, corrections, removals), so that a
 * request pays for the vector scan only. Genre probabilities are the shipped model's, with a
 * member's correction certain; the server's genre head is applied where they are read
 * ({@link recGenre}, and the recommender with its `serverModel`). Tracks whose embedding length
 * differs from the server's first track (another model version) are left out.
 */
export class LibraryCache {
  private readonly entries = new Map<string, Entry>();

  constructor(
    private readonly tracks: Pick<TrackRepository, 'all' | 'onChange'>,
    private readonly logger?: Pick<Logger, 'warn'>,
  ) {
    tracks.onChange((change) => this.apply(change));
  }

  /** The server's library (read from the store on first use). */
  async get(guildId: string): Promise<ServerLibrary> {
    let entry = this.entries.get(guildId);
    if (!entry) {
      entry = this.load(guildId);
      this.entries.set(guildId, entry);
    }
    try {
      await entry.ready;
    } catch (error) {
      if (this.entries.get(guildId) === entry) this.entries.delete(guildId);
      throw error;
    }
    return { library: entry.library, tracks: entry.recTracks };
  }

  private load(guildId: string): Entry {
    const entry: Entry = { ready: Promise.resolve(), library: new Library(1, GENRES), recTracks: new Map() };
    entry.ready = (async () => {
      const stored: StoredTrack[] = [];
      for await (const track of this.tracks.all(guildId)) stored.push(track);
      this.rebuild(entry, stored);
    })();
    return entry;
  }

  private rebuild(entry: Entry, stored: readonly StoredTrack[]): void {
    // An empty library gets a placeholder size: its first track rebuilds it.
    const dim = stored[0]?.analysis.embedding.length ?? 1;
    entry.library = new Library(dim, GENRES, Math.max(16, stored.length));
    entry.recTracks = new Map();
    for (const track of stored) this.addTo(entry, track);
  }

  private addTo(entry: Entry, track: StoredTrack): void {
    if (track.analysis.embedding.length !== entry.library.dim) {
      this.logger?.warn({ guildId: track.guildId, trackId: track.id, dim: track.analysis.embedding.length, libraryDim: entry.library.dim }, 'track left out of recommendations: embedding of another size');
      return;
    }
    const rec = toRecTrack(track, 'certain');
    entry.library.add(rec);
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
        entry.recTracks.delete(change.id);
        entry.library.remove(change.id);
      } else if (entry.library.size === 0) {
        this.rebuild(entry, [change.track]);
      } else {
        this.addTo(entry, change.track);
      }
    }, () => undefined);
  }
}
