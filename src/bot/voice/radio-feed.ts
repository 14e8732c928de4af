import { GENRES } from '../../ml/genres.js';
import { fitEase, type EaseModel } from '../../recs/cf.js';
import { Library, type RecFeedback, type RecTrack } from '../../recs/library.js';
import { radioNext, type RadioSeed } from '../../recs/radio.js';
import type { FeedbackRepository } from '../../store/feedback-repository.js';
import type { TrackRepository } from '../../store/track-repository.js';
import type { StoredTrack } from '../../store/types.js';
import type { QueuedTrack } from './track-queue.js';

/** How long a server's library and collaborative model are reused before being read again, in ms. */
const LIBRARY_TTL_MS = 60_000;
/** EASE is O(n^3) in rated tracks: past this many the radio does without it (no blocking the event loop). */
const MAX_EASE_TRACKS = 300;

/** A stored track as the recommender sees it (genre probabilities in {@link GENRES} order). */
export function recTrack(t: StoredTrack): RecTrack {
  const probability = new Map(t.analysis.genres.map((g) => [g.genre, g.probability]));
  return { id: t.id, title: t.title, ...(t.artist !== undefined && { artist: t.artist }), embedding: t.analysis.embedding, genreProbabilities: GENRES.map((g) => probability.get(g) ?? 0) };
}

/** A queue entry for a stored track. */
export function queuedTrack(t: Pick<StoredTrack, 'id' | 'title' | 'artist' | 'durationS'>, extra: { requestedBy?: string; reason?: string } = {}): QueuedTrack {
  return { trackId: t.id, title: t.title, ...(t.artist !== undefined && { artist: t.artist }), durationS: t.durationS, ...extra };
}

interface Snapshot {
  library: Library;
  tracks: Map<string, StoredTrack>;
  readAtMs: number;
}

/**
 * The radio's bridge to storage: reads a server's library (cached for a minute) and its feedback
 * (fresh each time, so a 👍 given a moment ago counts), and asks {@link radioNext} for the next track.
 */
export class RadioFeed {
  private readonly snapshots = new Map<string, Snapshot>();

  constructor(private readonly stores: { tracks: TrackRepository; feedback: FeedbackRepository }) {}

  /** The next radio track for `listeners`, avoiding `recent`; undefined when the library is empty. */
  async next(guildId: string, listeners: readonly string[], recent: readonly string[], seed?: RadioSeed): Promise<QueuedTrack | undefined> {
    const snap = await this.snapshot(guildId);
    const feedback: RecFeedback[] = (await this.stores.feedback.listByGuild(guildId)).map((f) => ({
      userId: f.userId, trackId: f.trackId, value: f.value, weight: f.weight, atMs: Date.parse(f.at),
    }));
    const rated = new Set(feedback.map((f) => f.trackId));
    const cf: EaseModel | undefined = rated.size > 0 && rated.size <= MAX_EASE_TRACKS ? fitEase(feedback) : undefined;
    const pick = radioNext({ library: snap.library, feedback, listeners, recent, nowMs: Date.now(), ...(cf && { cf }), ...(seed && { seed }) })[0];
    const track = pick ? snap.tracks.get(pick.trackId) : undefined;
    return track && pick ? queuedTrack(track, { reason: pick.reason }) : undefined;
  }

  /** Forgets the cached library of a server (e.g. after the radio found a removed track). */
  invalidate(guildId: string): void {
    this.snapshots.delete(guildId);
  }

  private async snapshot(guildId: string): Promise<Snapshot> {
    const cached = this.snapshots.get(guildId);
    if (cached && Date.now() - cached.readAtMs < LIBRARY_TTL_MS) return cached;
    const tracks = new Map<string, StoredTrack>();
    for await (const t of this.stores.tracks.all(guildId)) tracks.set(t.id, t);
    const dim = tracks.values().next().value?.analysis.embedding.length ?? 0;
    // Tracks from an older model may have another embedding size: the radio uses the common one.
    const library = Library.of([...tracks.values()].filter((t) => t.analysis.embedding.length === dim).map(recTrack), dim, GENRES);
    const snap = { library, tracks, readAtMs: Date.now() };
    this.snapshots.set(guildId, snap);
    return snap;
  }
}
