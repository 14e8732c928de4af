import { fitEase, type EaseModel } from '../../recs/cf.js';
import type { RecFeedback } from '../../recs/library.js';
import { radioNext, type RadioSeed } from '../../recs/radio.js';
import type { FeedbackRepository } from '../../store/feedback-repository.js';
import type { TrackRepository } from '../../store/track-repository.js';
import type { StoredTrack } from '../../store/types.js';
import { toRecFeedback } from '../../jobs/train-input.js';
import type { ServerModelRepository } from '../../store/server-model-repository.js';
import { MAX_EASE_TRACKS_PER_REQUEST } from '../recommend.js';
import type { LibraryCache } from '../recommend-library.js';
import type { QueuedTrack } from './track-queue.js';

/** A queue entry for a stored track. */
export function queuedTrack(t: Pick<StoredTrack, 'id' | 'title' | 'artist' | 'durationS'>, extra: { requestedBy?: string; reason?: string } = {}): QueuedTrack {
  return { trackId: t.id, title: t.title, ...(t.artist !== undefined && { artist: t.artist }), durationS: t.durationS, ...extra };
}

/** EASE over the server's reactions when small enough to fit on the event loop. */
function easeNow(feedback: readonly RecFeedback[]): EaseModel | undefined {
  const tracks = new Set(feedback.map((f) => f.trackId));
  return tracks.size >= 2 && tracks.size <= MAX_EASE_TRACKS_PER_REQUEST ? fitEase(feedback) : undefined;
}

/**
 * The radio's bridge to storage: the server's library from the shared {@link LibraryCache} (the
 * one `/recommend` uses, kept up to date from the track repository), its feedback read fresh each
 * time (a 👍 given a moment ago counts), its trained model when it has one, and {@link radioNext}
 * for the pick.
 */
export class RadioFeed {
  constructor(
    private readonly stores: { tracks: TrackRepository; feedback: FeedbackRepository; serverModels: ServerModelRepository },
    private readonly libraries: LibraryCache,
  ) {}

  /** The next radio track for `listeners`, avoiding `recent`; undefined when the library is empty. */
  async next(guildId: string, listeners: readonly string[], recent: readonly string[], seed?: RadioSeed): Promise<QueuedTrack | undefined> {
    const { library } = await this.libraries.get(guildId);
    const feedback = (await this.stores.feedback.listByGuild(guildId)).map(toRecFeedback);
    const cf = easeNow(feedback);
    // The server's trained model (preference and genre head), when the train worker made one.
    const serverModel = await this.stores.serverModels.model(guildId);
    const request = { library, feedback, listeners, recent, nowMs: Date.now(), ...(cf && { cf }), ...(seed && { seed }), ...(serverModel && { serverModel }) };
    for (const pick of radioNext(request, 3)) {
      // The cache may lag a removal by a moment: take the first pick still stored.
      const track = await this.stores.tracks.get(guildId, pick.trackId);
      if (track) return queuedTrack(track, { reason: pick.reason });
    }
    return undefined;
  }
}
