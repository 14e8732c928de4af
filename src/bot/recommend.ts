import type { Genre } from '../ml/genres.js';
import { fitEase, type EaseModel } from '../recs/cf.js';
import { Library, type RecFeedback } from '../recs/library.js';
import { recommendForMember, recommendForServer, recommendLike, type RecRequest, type Recommendation } from '../recs/recommend.js';
import type { ServerModel } from '../recs/server-model.js';
import { toRecFeedback } from '../jobs/train-input.js';
import type { StoredTrack } from '../store/types.js';
import type { Deps } from './deps.js';
import { UserError } from './errors.js';
import { recGenre, type ServerLibrary } from './recommend-library.js';

/** Most recommendations one request may ask for, and the default. */
export const MAX_COUNT = 10;
export const DEFAULT_COUNT = 5;

/**
 * Largest number of rated tracks for which the bot fits EASE per request when the server has no
 * trained model yet: EASE inverts an n x n matrix, a few ms for 300 tracks, which keeps the
 * gateway's event loop free; larger servers rely on the trained model's factors.
 */
export const MAX_EASE_TRACKS_PER_REQUEST = 300;

/** What a member asked for. */
export interface RecommendQuery {
  guildId: string;
  userId: string;
  /** `me`: the member's taste (default); `server`: the server's collective taste. */
  scope: 'me' | 'server';
  /** Recommend tracks that sound like this library track. */
  likeTrackId?: string;
  /** Only tracks of this genre (as shown for this server). */
  genre?: Genre;
  /** 1 to {@link MAX_COUNT}. */
  count: number;
}

/** One recommendation with the stored track it names. */
export interface RecommendedTrack {
  track: StoredTrack;
  recommendation: Recommendation;
  /** The genre shown for this track in this server. */
  genre?: Genre;
}

/** The server's trained model as a reply mentions it. */
export interface ModelInfo {
  fittedAt: Date;
  /** Reactions and corrections it learned from. */
  examples: number;
}

/** The answer to a {@link RecommendQuery}. */
export interface RecommendAnswer {
  /** The server's model that shaped the picks, if it has one. */
  model?: ModelInfo;
  picks: RecommendedTrack[];
  /** How many tracks the member has rated here (none: a cold start, served by content and popularity). */
  ratedByMember: number;
  /** The server's library size. */
  librarySize: number;
}

/** The tracks of `library` whose shown genre is `genre` (plus `keep`, e.g. the seed of "like"). */
function genreSubset({ library, tracks }: ServerLibrary, genre: Genre, model: ServerModel | undefined, keep?: string): Library {
  const kept = [...tracks.values()].filter((t) => recGenre(t, model) === genre || t.id === keep);
  return Library.of(kept, library.dim, library.genres);
}

/** EASE over the server's reactions when small enough to fit now (see {@link MAX_EASE_TRACKS_PER_REQUEST}). */
function easeNow(feedback: readonly RecFeedback[]): EaseModel | undefined {
  const tracks = new Set(feedback.map((f) => f.trackId));
  if (tracks.size < 2 || tracks.size > MAX_EASE_TRACKS_PER_REQUEST) return undefined;
  return fitEase(feedback);
}

/**
 * Recommends tracks of the server's library for one member: reads the server's feedback fresh
 * (a reaction given a moment ago counts), never returns a track the member rated, and serves a
 * member with no reactions from the server's taste and popularity (content only when the server
 * has no reactions either).
 * @throws UserError for an empty library, an unknown "like" track, or nothing left to recommend.
 */
export async function recommendTracks(query: RecommendQuery, deps: Pick<Deps, 'stores' | 'recs'>): Promise<RecommendAnswer> {
  const server = await deps.recs.libraries.get(query.guildId);
  const full = server.library;
  if (full.size === 0) throw new UserError('📭 This server\'s library is empty: share some audio with `/classify` first, then ask again.');
  if (query.likeTrackId !== undefined && !full.get(query.likeTrackId)) {
    throw new UserError('❓ I don\'t know that track: pick one of this server\'s library from the list (or upload it with `file:`).');
  }
  const feedback = (await deps.stores.feedback.listByGuild(query.guildId)).map(toRecFeedback);
  const trained = await deps.stores.serverModels.get(query.guildId);
  const serverModel = trained?.model;
  const mine = new Set(feedback.filter((f) => f.userId === query.userId).map((f) => f.trackId));
  const library = query.genre === undefined ? full : genreSubset(server, query.genre, serverModel, query.likeTrackId);
  const count = Math.min(MAX_COUNT, Math.max(1, Math.round(query.count)));
  const cf = easeNow(feedback);
  const request: RecRequest = { library, feedback, k: count, nowMs: Date.now(), fineTune: true, ...(cf && { cf }), ...(serverModel && { serverModel }) };
  let recs: Recommendation[];
  if (query.likeTrackId !== undefined) recs = recommendLike(request, query.likeTrackId, query.userId);
  else if (query.scope === 'server') recs = recommendForServer(request, mine);
  else recs = recommendForMember(request, query.userId);
  // The recommender promises this; the member must never be shown a track they rated.
  recs = recs.filter((r) => !mine.has(r.trackId));
  if (recs.length === 0) throw new UserError(nothingLeftText(query, library.size, mine.size));
  const stored = await deps.stores.tracks.getMany(query.guildId, recs.map((r) => r.trackId));
  const picks = recs.flatMap((recommendation): RecommendedTrack[] => {
    const track = stored.get(recommendation.trackId);
    const rec = full.get(recommendation.trackId);
    const genre = rec && recGenre(rec, serverModel);
    return track ? [{ track, recommendation, ...(genre !== undefined && { genre }) }] : [];
  });
  const model = trained && { fittedAt: new Date(trained.fittedAt), examples: trained.model.feedbackCount + trained.model.correctionCount };
  return { picks, ratedByMember: mine.size, librarySize: full.size, ...(model && { model }) };
}

function nothingLeftText(query: RecommendQuery, candidates: number, rated: number): string {
  if (query.genre !== undefined && candidates === 0) return `🔎 There is no **${query.genre}** in this server's library yet.`;
  if (rated > 0) return `🎉 You have rated every track I could suggest${query.genre !== undefined ? ` in **${query.genre}**` : ''}: share more music with \`/classify\` and ask again.`;
  return '🔎 I found nothing to recommend for that: try without a genre.';
}
