import { baseProbabilities } from '../jobs/train-input.js';
import type { GenreScore } from '../jobs/schemas.js';
import { GENRES, type Genre } from '../ml/genres.js';
import { applyGenreHead, type ServerModel } from '../recs/server-model.js';
import type { StoredTrack, TrackSummary } from '../store/types.js';
import type { BotStores } from './ports.js';
import { recGenre, type LibraryCache } from './recommend-library.js';

/**
 * A server's view of a track's genres: the shipped model's output (what the stored track keeps,
 * shared by every server) through the server's fine-tuned genre head when it has one. The head's
 * output is never written back into track data; it is computed where the genres are shown.
 */

/** The footer marker of embeds whose genres went through the server's head. */
export const TUNED_MARKER = 'genres tuned by this server\'s corrections';

/** Genres as one server sees them, and whether its head changed how they were computed. */
export interface GenreView {
  /** All genres, most probable first. */
  genres: GenreScore[];
  /** True when the server's genre head was applied. */
  tuned: boolean;
}

/** True when the model has a genre head that fits embeddings of `dim` values. */
function headFits(model: ServerModel | undefined, dim: number): model is ServerModel {
  const head = model?.genreHead;
  return head !== undefined && head.dim === dim && head.genres === GENRES.length;
}

/** The track-level genres of `track` as the server with `model` sees them. */
export function trackGenreView(track: StoredTrack, model: ServerModel | undefined): GenreView {
  if (!headFits(model, track.analysis.embedding.length)) return { genres: track.analysis.genres, tuned: false };
  const p = applyGenreHead(model, track.analysis.embedding, baseProbabilities(track));
  const genres = GENRES.map((genre, i) => ({ genre, probability: Math.min(1, Math.max(0, p[i] ?? 0)) }));
  genres.sort((a, b) => b.probability - a.probability);
  return { genres, tuned: true };
}

/**
 * The genre each track of a server counts as in listings and stats: a member's correction, else
 * the most probable genre through the server's head (read from the bot's in-memory library, which
 * holds the embeddings the stored summaries leave out). The summary's own genre for a track the
 * library left out, or for every track when the server has no head (then `tuned` is false).
 */
export interface ServerGenreOf {
  genreOf: (track: Pick<TrackSummary, 'id' | 'genre'>) => Genre;
  tuned: boolean;
}

/** See {@link ServerGenreOf}. */
export async function serverGenreOf(deps: { stores: Pick<BotStores, 'serverModels'>; recs: { libraries: Pick<LibraryCache, 'get'> } }, guildId: string): Promise<ServerGenreOf> {
  const model = await deps.stores.serverModels.model(guildId);
  if (!model?.genreHead) return { genreOf: (t) => t.genre, tuned: false };
  const server = await deps.recs.libraries.get(guildId);
  if (!headFits(model, server.library.dim)) return { genreOf: (t) => t.genre, tuned: false };
  return {
    genreOf: (t) => {
      const rec = server.tracks.get(t.id);
      return (rec && recGenre(rec, model)) ?? t.genre;
    },
    tuned: true,
  };
}
