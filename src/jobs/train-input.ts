import { GENRES } from '../ml/genres.js';
import { Library, type RecFeedback, type RecTrack } from '../recs/library.js';
import type { GenreCorrection, ServerModelInput } from '../recs/server-model.js';
import type { FeedbackEvent, GenreLabel, StoredTrack } from '../store/types.js';

/**
 * Stored records as the recommender and the trainer take them, shared by the bot (its in-memory
 * libraries) and the `train` worker, so that both see a server's tracks the same way.
 */

/** The shipped model's genre probabilities of a stored track, in {@link GENRES} order. */
export function baseProbabilities(track: StoredTrack): number[] {
  const byGenre = new Map(track.analysis.genres.map((g) => [g.genre, g.probability]));
  return GENRES.map((g) => byGenre.get(g) ?? 0);
}

/**
 * A stored track for the recommender. With `corrected: 'certain'` a member's correction is
 * one-hot (what recommendations and the shown genre use); with `'base'` the shipped model's
 * probabilities are kept, as the genre head learns the step from them to the correction.
 */
export function toRecTrack(track: StoredTrack, corrected: 'certain' | 'base'): RecTrack {
  const embedding = Float32Array.from(track.analysis.embedding);
  const genreProbabilities = corrected === 'certain' && track.correctedGenre
    ? GENRES.map((g) => (g === track.correctedGenre ? 1 : 0))
    : baseProbabilities(track);
  return { id: track.id, title: track.title, ...(track.artist !== undefined && { artist: track.artist }), embedding, genreProbabilities };
}

/** A feedback event for the recommender. */
export function toRecFeedback(event: FeedbackEvent): RecFeedback {
  return { userId: event.userId, trackId: event.trackId, value: event.value, weight: event.weight, atMs: Date.parse(event.at) };
}

/** A member's genre correction for the trainer (genre as an index into {@link GENRES}). */
export function toCorrection(label: GenreLabel): GenreCorrection {
  return { trackId: label.trackId, genre: GENRES.indexOf(label.genre), atMs: Date.parse(label.at) };
}

/**
 * What `fitServerModel` learns from for one server: its tracks (with the shipped model's genre
 * probabilities; tracks whose embedding size differs from the first track's are left out), its
 * reactions and its members' corrections.
 */
export function trainingInput(tracks: readonly StoredTrack[], feedback: readonly FeedbackEvent[], labels: readonly GenreLabel[]): ServerModelInput {
  const dim = tracks[0]?.analysis.embedding.length ?? 1;
  const library = Library.of(tracks.filter((t) => t.analysis.embedding.length === dim).map((t) => toRecTrack(t, 'base')), dim, GENRES);
  return { library, feedback: feedback.map(toRecFeedback), corrections: labels.map(toCorrection) };
}
