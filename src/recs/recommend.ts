import { easeScores, interactionValues, type EaseModel } from './cf.js';
import type { Library, RecFeedback, RecTrack } from './library.js';
import { mmrSelect } from './mmr.js';
import { applyGenreHead, type ServerModel } from './server-model.js';
import { preferenceScorer, type PreferenceScorer } from './server-preference.js';
import { fitPreference, genreAffinity, likedCentroids, preferenceScore, recencyWeight, tasteVector, type PreferenceOptions, type RatedTrack } from './taste.js';

/** Weights of the score components (each component is min-max scaled to [0, 1] over the candidates). */
export interface BlendWeights {
  cf: number;
  content: number;
  genre: number;
  /** Only for the server view and for cold-start members. */
  popularity: number;
  /**
   * The member's own learned preference with `fineTune` (blended as a component). The server
   * model's preference, when given, is not blended but multiplies the blend (see recommendForMember).
   */
  learned: number;
}

/** Defaults of {@link BlendWeights}. */
export const DEFAULT_WEIGHTS: Readonly<BlendWeights> = { cf: 0.3, content: 0.4, genre: 0.3, popularity: 0.5, learned: 0.6 };

/** What every request takes: plain data plus tuning knobs. */
export interface RecRequest {
  library: Library;
  /** The server's feedback, any order; for one (member, track) the latest `atMs` wins. */
  feedback: readonly RecFeedback[];
  /** A fitted EASE model of the server (refit as often as convenient; fresh reactions still count). */
  cf?: EaseModel;
  /** How many recommendations; default 10. */
  k?: number;
  weights?: Partial<BlendWeights>;
  /** MMR λ; default 0.8. */
  mmrLambda?: number;
  /** At most this many per artist; default 2. */
  maxPerArtist?: number;
  /** Candidates scored before re-ranking; default 200. */
  poolSize?: number;
  /** Recency half-life of reactions in ms; default 30 days. */
  halfLifeMs?: number;
  /** "Now" in ms for recency; default the newest feedback time. */
  nowMs?: number;
  /** Learn a per-member preference from their reactions and blend it in; default false. */
  fineTune?: boolean;
  /** Options of the fine-tuning fit (see {@link fitPreference}). */
  preference?: PreferenceOptions;
  /**
   * The server's fine-tuned models (see {@link fitServerModel}): every blended score is
   * multiplied by the preference model's P(👍) for the member (or the server), its taste
   * direction is searched for candidates, and its genre head replaces the tracks' genre
   * probabilities.
   */
  serverModel?: ServerModel;
}

/** Per-component raw scores of one recommendation. */
export interface ScoreParts {
  cf: number;
  content: number;
  genre: number;
  popularity: number;
  learned: number;
}

/** One recommended track with its blended score and a one-line reason. */
export interface Recommendation {
  trackId: string;
  /** Blended relevance in [0, 1] (before diversity re-ranking). */
  score: number;
  /** E.g. `because you liked “X”`, `sounds like “Y”`, `popular here (3 👍)`. */
  reason: string;
  parts: ScoreParts;
}

/** A rated track with what reasons need to name it. */
type Titled = { title: string; artist?: string };

interface Scored {
  id: string;
  relevance: number;
  embedding: ArrayLike<number>;
  artist?: string;
  parts: ScoreParts;
  reason: string;
}

const ZERO: ScoreParts = { cf: 0, content: 0, genre: 0, popularity: 0, learned: 0 };
const KEYS = Object.keys(ZERO) as (keyof ScoreParts)[];
const DAY_MS = 86_400_000;
/** Weight of the server's learned taste against content (1) in "like this track". */
const LIKE_LEARNED_WEIGHT = 0.25;

/** Latest feedback per (member, track), oldest first. */
function latestFeedback(feedback: readonly RecFeedback[]): RecFeedback[] {
  const sorted = [...feedback].sort((a, b) => a.atMs - b.atMs);
  const latest = new Map<string, RecFeedback>();
  for (const f of sorted) latest.set(`${f.userId}\u0000${f.trackId}`, f);
  return [...latest.values()];
}

/** The rated tracks of `events` that are in the library, with recency folded into the weight. */
function ratedTracks(lib: Library, events: readonly RecFeedback[], nowMs: number, halfLifeMs: number, model?: ServerModel): (RatedTrack & Titled)[] {
  return events.flatMap((f) => {
    const t = lib.get(f.trackId);
    if (!t) return [];
    const weight = (f.weight ?? 1) * recencyWeight(nowMs - f.atMs, halfLifeMs);
    return [{ trackId: t.id, title: t.title, artist: t.artist, embedding: t.embedding, genreProbabilities: genreProbabilitiesOf(t, model), value: f.value, weight }];
  });
}

/** A track's genre probabilities, through the server's fine-tuned genre head when it has one. */
function genreProbabilitiesOf(t: RecTrack, model: ServerModel | undefined): readonly number[] | undefined {
  return t.genreProbabilities && model?.genreHead ? applyGenreHead(model, t.embedding, t.genreProbabilities) : t.genreProbabilities;
}

/** The server model's preference scorer for `userId` (undefined: the server's taste), if it has one. */
function serverScorer(req: RecRequest, userId?: string): PreferenceScorer | undefined {
  const pref = req.serverModel?.preference;
  return pref && pref.dim === req.library.dim ? preferenceScorer(pref, userId) : undefined;
}

function dot(a: ArrayLike<number>, b: ArrayLike<number>): number {
  let s = 0;
  const n = Math.min(a.length, b.length);
  for (let j = 0; j < n; j++) s += (a[j] as number) * (b[j] as number);
  return s;
}

/** The largest dot product of `e` with any of `queries` (-Infinity when there are none). */
function maxDot(e: ArrayLike<number>, queries: readonly ArrayLike<number>[]): number {
  let best = -Infinity;
  for (const q of queries) best = Math.max(best, dot(e, q));
  return best;
}

/**
 * Sets each candidate's relevance: its blended score, times the server model's P(👍)
 * (`parts.learned`) when `byModel`; where the blend carries no signal at all (nothing rated
 * yet), the probability alone.
 */
function gate(cands: Scored[], blended: readonly number[], byModel: boolean): void {
  const signal = blended.some((r) => r > 0);
  cands.forEach((c, i) => {
    const r = blended[i] ?? 0;
    c.relevance = !byModel ? r : signal ? r * c.parts.learned : c.parts.learned;
  });
}

/** Min-max scales each component over the candidates and blends them by `w`. */
function blend(cands: { parts: ScoreParts }[], w: BlendWeights): number[] {
  const scaled = KEYS.map((key) => {
    const vals = cands.map((c) => c.parts[key]);
    let lo = Infinity;
    let hi = -Infinity;
    for (const v of vals) [lo, hi] = [Math.min(lo, v), Math.max(hi, v)];
    return vals.map((v) => (hi > lo ? (v - lo) / (hi - lo) : 0));
  });
  const totalW = KEYS.reduce((s, key, ki) => s + (scaled[ki]?.some((v) => v > 0) ? w[key] : 0), 0) || 1;
  return cands.map((_, i) => KEYS.reduce((s, key, ki) => s + w[key] * (scaled[ki]?.[i] ?? 0), 0) / totalW);
}

function quoted(t: { title: string; artist?: string }): string {
  return `“${t.title}”${t.artist ? ` by ${t.artist}` : ''}`;
}

/** The liked track most similar to `e`, for "sounds like" reasons. */
function closestLiked(rated: readonly (RatedTrack & Titled)[], e: ArrayLike<number>): (RatedTrack & Titled) | undefined {
  let best: (RatedTrack & Titled) | undefined;
  let bestSim = -Infinity;
  for (const r of rated) {
    if (r.value < 0) continue;
    const s = dot(r.embedding, e);
    if (s > bestSim) [best, bestSim] = [r, s];
  }
  return best;
}

/** MMR over `cands`; `reasonOf` (default: the candidate's own) is asked only for the picks. */
function finish(cands: Scored[], req: RecRequest, reasonOf: (c: Scored) => string = (c) => c.reason): Recommendation[] {
  const picked = mmrSelect(cands, req.k ?? 10, { lambda: req.mmrLambda ?? 0.8, maxPerArtist: req.maxPerArtist ?? 2 });
  return picked.map((c) => ({ trackId: c.id, score: c.relevance, reason: reasonOf(c), parts: c.parts }));
}

/** Server popularity: Σ value x weight over the latest reactions, and the like count, per track. */
function popularity(events: readonly RecFeedback[]): Map<string, { score: number; likes: number }> {
  const out = new Map<string, { score: number; likes: number }>();
  for (const f of events) {
    const p = out.get(f.trackId) ?? { score: 0, likes: 0 };
    p.score += f.value * (f.weight ?? 1);
    if (f.value > 0) p.likes += 1;
    out.set(f.trackId, p);
  }
  return out;
}

/**
 * What the server as a whole likes: its collective taste (content similarity to everything its
 * members liked, away from what they disliked) blended with popularity. Tracks in `exclude` are
 * never returned. Also the cold-start answer for a member with no reactions yet.
 */
export function recommendForServer(req: RecRequest, exclude: ReadonlySet<string> = new Set()): Recommendation[] {
  const { library: lib } = req;
  const events = latestFeedback(req.feedback);
  const nowMs = req.nowMs ?? events.at(-1)?.atMs ?? 0;
  const rated = ratedTracks(lib, events, nowMs, req.halfLifeMs ?? 30 * DAY_MS, req.serverModel);
  const q = tasteVector(rated, lib.dim);
  const pop = popularity(events);
  const pool = req.poolSize ?? 200;
  const scorer = serverScorer(req);
  const ids = new Set(lib.index.searchMany(scorer ? [q, scorer.query] : [q], pool, { exclude, approximate: true }).flatMap((hits) => hits.map((h) => h.id)));
  [...pop].filter(([id, p]) => p.score > 0 && !exclude.has(id)).sort((a, b) => b[1].score - a[1].score || (a[0] < b[0] ? -1 : 1)).slice(0, pool).forEach(([id]) => ids.add(id));
  const cands = [...ids].flatMap((id): Scored[] => {
    const t = lib.get(id);
    if (!t) return [];
    const p = pop.get(id);
    const near = closestLiked(rated, t.embedding);
    const reason = p && p.likes > 0 && p.score > 0 ? `popular here (${p.likes} 👍)` : near ? `sounds like ${quoted(near)}, liked here` : 'new to you';
    const learned = scorer ? scorer.score(id, t.embedding, genreProbabilitiesOf(t, req.serverModel)) : 0;
    return [{ id, embedding: t.embedding, artist: t.artist, relevance: 0, reason, parts: { ...ZERO, content: dot(t.embedding, q), popularity: p?.score ?? 0, learned } }];
  });
  const w = { ...DEFAULT_WEIGHTS, ...req.weights };
  gate(cands, blend(cands, { ...ZERO, content: w.content, popularity: w.popularity }), scorer !== undefined);
  cands.sort((a, b) => b.relevance - a.relevance || (a.id < b.id ? -1 : 1));
  return finish(cands, req);
}

/**
 * Recommendations for one member: EASE scores from the server's reactions, content similarity
 * to what they liked and away from what they disliked (recency-weighted), genre affinity and,
 * with `fineTune`, their learned preference; re-ranked by MMR with an artist cap. Never returns
 * a track the member rated. A member without reactions gets {@link recommendForServer}.
 */
export function recommendForMember(req: RecRequest, userId: string): Recommendation[] {
  const { library: lib } = req;
  const events = latestFeedback(req.feedback);
  const mine = events.filter((f) => f.userId === userId);
  if (mine.length === 0) return recommendForServer(req);
  const nowMs = req.nowMs ?? events.at(-1)?.atMs ?? 0;
  const rated = ratedTracks(lib, mine, nowMs, req.halfLifeMs ?? 30 * DAY_MS, req.serverModel);
  const exclude = new Set(mine.map((f) => f.trackId));
  // Content: similarity to the nearest style the member liked, away from what they disliked.
  const centroids = likedCentroids(rated, lib.dim);
  const away = tasteVector(rated.filter((r) => r.value < 0), lib.dim);
  const queries = centroids.length > 0 ? centroids.map((c) => c.map((v, j) => v + (away[j] as number))) : [away];
  const affinity = genreAffinity(rated);
  const scorer = serverScorer(req, userId);
  const pref = !scorer && req.fineTune ? fitPreference(rated, lib.dim, req.preference) : undefined;
  const learnedQuery = scorer?.query ?? pref?.w;
  const pool = req.poolSize ?? 200;
  const ids = new Set<string>();
  lib.index.searchMany(learnedQuery ? [...queries, learnedQuery] : queries, pool, { exclude, approximate: true }).forEach((hits) => hits.forEach((h) => ids.add(h.id)));
  const cf = req.cf ? easeScores(req.cf, interactionValues(mine).get(userId) ?? new Map<string, number>()) : new Map<string, { score: number; because?: string }>();
  [...cf].filter(([id, s]) => s.score > 0 && !exclude.has(id)).sort((a, b) => b[1].score - a[1].score || (a[0] < b[0] ? -1 : 1)).slice(0, pool).forEach(([id]) => ids.add(id));
  const cands = [...ids].flatMap((id): Scored[] => {
    const t = lib.get(id);
    if (!t) return [];
    const c = cf.get(id);
    const probs = genreProbabilitiesOf(t, req.serverModel);
    const parts: ScoreParts = {
      ...ZERO,
      cf: c?.score ?? 0,
      content: maxDot(t.embedding, queries),
      genre: probs ? dot(probs, affinity) : 0,
      learned: scorer ? scorer.score(id, t.embedding, probs) : pref ? preferenceScore(pref, t.embedding) : 0,
    };
    return [{ id, embedding: t.embedding, artist: t.artist, relevance: 0, reason: '', parts }];
  });
  const w = { ...DEFAULT_WEIGHTS, ...req.weights };
  // The server model's P(👍) gates the blend (relevance x probability: what the heuristics
  // rank high and the server's reactions say this member will like); the per-member fit is
  // blended in as one more component.
  gate(cands, blend(cands, { ...w, popularity: 0, learned: pref ? w.learned : 0 }), scorer !== undefined);
  cands.sort((a, b) => b.relevance - a.relevance || (a.id < b.id ? -1 : 1));
  const top = cands.slice(0, Math.max(pool, (req.k ?? 10) * 5));
  return finish(top, req, (c) => memberReason(lib, c, cf.get(c.id)?.because, rated, req.serverModel));
}

function memberReason(lib: Library, c: Scored, cfBecause: string | undefined, rated: readonly (RatedTrack & Titled)[], model: ServerModel | undefined): string {
  const because = cfBecause ? lib.get(cfBecause) : undefined;
  if (because && c.parts.cf > 0) return `because you liked ${quoted(because)}`;
  const near = closestLiked(rated, c.embedding);
  if (near) return `sounds like ${quoted(near)}, which you liked`;
  const t = lib.get(c.id);
  const probs = t ? genreProbabilitiesOf(t, model) : undefined;
  const g = probs ? probs.indexOf(Math.max(...probs)) : -1;
  return lib.genres[g] ? `more ${lib.genres[g]}` : 'new to you';
}

/**
 * Tracks that sound like `trackId` (content similarity; works for a brand-new track with no
 * reactions). With `userId`, tracks that member rated are left out. Unknown track: empty list.
 */
export function recommendLike(req: RecRequest, trackId: string, userId?: string): Recommendation[] {
  const { library: lib } = req;
  const seed: RecTrack | undefined = lib.get(trackId);
  if (!seed) return [];
  const exclude = new Set([trackId, ...(userId ? latestFeedback(req.feedback).filter((f) => f.userId === userId).map((f) => f.trackId) : [])]);
  const scorer = serverScorer(req, userId);
  const cands = lib.index.search(seed.embedding, req.poolSize ?? 200, { exclude }).flatMap((h): Scored[] => {
    const t = lib.get(h.id);
    if (!t) return [];
    const learned = scorer ? scorer.score(h.id, t.embedding, genreProbabilitiesOf(t, req.serverModel)) : 0;
    return [{ id: h.id, embedding: t.embedding, artist: t.artist, relevance: (h.score + 1) / 2, reason: `sounds like ${quoted(seed)}`, parts: { ...ZERO, content: h.score, learned } }];
  });
  // Content similarity leads; the server's learned taste breaks near-ties among similar tracks.
  if (scorer && cands.length > 0) blend(cands, { ...ZERO, content: 1, learned: LIKE_LEARNED_WEIGHT }).forEach((r, i) => ((cands[i] as Scored).relevance = r));
  cands.sort((a, b) => b.relevance - a.relevance || (a.id < b.id ? -1 : 1));
  return finish(cands, req);
}
