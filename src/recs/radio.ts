import type { Library, RecTrack } from './library.js';
import { recommendForMember, type RecRequest } from './recommend.js';

/**
 * The voice radio's next track: the listeners' tastes blended (each listener's recommendations
 * scored by the recommender, summed over everyone in the channel), optionally pulled towards a
 * seed track or genre, never one of the recently played tracks. Pure: plain data in and out.
 */

/** What the radio was started from: a track ("more like this") or a genre index of {@link Library.genres}. */
export type RadioSeed = { trackId: string } | { genre: number };

/** A radio request: the recommender's inputs plus who is listening and what was played. */
export interface RadioRequest extends Omit<RecRequest, 'k'> {
  /** Member ids in the voice channel (bots excluded). With none, the server's taste is used. */
  listeners: readonly string[];
  /** Track ids played in this session, oldest first (the queue's history). */
  recent?: readonly string[];
  /** The last this many of `recent` are never picked again; default 50 (less when the library is small). */
  avoidLast?: number;
  seed?: RadioSeed;
  /** Weight of the seed against the listeners' blended taste (which weighs 1); default 1. */
  seedWeight?: number;
  /** Recommendations asked for per listener before blending; default 60. */
  perListener?: number;
}

/** One radio pick. */
export interface RadioPick {
  trackId: string;
  /** Blended score: mean listener relevance in [0, 1] plus `seedWeight` x the scaled seed affinity. */
  score: number;
  /** One line for the now-playing message, e.g. `radio: sounds like “X”, which you liked`. */
  reason: string;
}

/** The default of {@link RadioRequest.avoidLast}. */
export const DEFAULT_AVOID_LAST = 50;

interface Candidate {
  id: string;
  taste: number;
  seed: number;
  reason: string;
  best: number;
}

function dot(a: ArrayLike<number>, b: ArrayLike<number>): number {
  let s = 0;
  const n = Math.min(a.length, b.length);
  for (let j = 0; j < n; j++) s += (a[j] as number) * (b[j] as number);
  return s;
}

/** The ids that must not be picked: the last `avoidLast` played, fewer when the library would run dry. */
export function avoidedTracks(recent: readonly string[], avoidLast: number, librarySize: number): Set<string> {
  const keep = Math.max(0, Math.min(avoidLast, librarySize - 1));
  return new Set(keep > 0 ? recent.slice(-keep) : []);
}

/** Seed affinity of a track: cosine similarity to the seed track, or its probability of the seed genre. */
function seedAffinity(lib: Library, seed: RadioSeed, t: RecTrack): number {
  if ('trackId' in seed) {
    const s = lib.get(seed.trackId);
    return s ? dot(s.embedding, t.embedding) : 0;
  }
  return t.genreProbabilities?.[seed.genre] ?? 0;
}

/** Candidates the seed brings in: the nearest tracks to a seed track, or every track for a genre. */
function seedCandidates(lib: Library, seed: RadioSeed, avoid: ReadonlySet<string>, pool: number): string[] {
  if ('trackId' in seed) {
    const s = lib.get(seed.trackId);
    return s ? lib.index.search(s.embedding, pool, { exclude: avoid }).map((h) => h.id) : [];
  }
  // A genre has no query vector: score every track by its probability of that genre.
  return lib.index.search(new Float32Array(lib.dim), lib.size, { exclude: avoid, exact: true }).map((h) => h.id);
}

function seedReason(lib: Library, seed: RadioSeed): string {
  if ('trackId' in seed) {
    const s = lib.get(seed.trackId);
    return s ? `radio: sounds like “${s.title}”` : 'radio';
  }
  return `radio: ${lib.genres[seed.genre] ?? 'genre'}`;
}

/**
 * The next `n` radio tracks (best first), never one of the last {@link RadioRequest.avoidLast}
 * played. Each listener's {@link recommendForMember} list (a listener without reactions gets the
 * server's taste) adds its relevance to a track's taste score; the taste score is the mean over
 * listeners, so a track that suits everyone beats one that one listener loves. With a seed, the
 * seed affinity (min-max scaled over the candidates) is added with `seedWeight`. Empty only when
 * the library is empty.
 */
export function radioNext(req: RadioRequest, n = 1): RadioPick[] {
  const lib = req.library;
  if (lib.size === 0 || n <= 0) return [];
  const avoid = avoidedTracks(req.recent ?? [], req.avoidLast ?? DEFAULT_AVOID_LAST, lib.size);
  const listeners = req.listeners.length > 0 ? [...new Set(req.listeners)] : [''];
  const perListener = req.perListener ?? 60;
  const cands = new Map<string, Candidate>();
  const entry = (id: string): Candidate => {
    let c = cands.get(id);
    if (!c) cands.set(id, (c = { id, taste: 0, seed: 0, reason: '', best: -Infinity }));
    return c;
  };
  for (const userId of listeners) {
    // Ask for more than needed: the recent tracks are dropped afterwards.
    const recs = recommendForMember({ ...req, k: perListener + avoid.size }, userId);
    for (const r of recs) {
      if (avoid.has(r.trackId)) continue;
      const c = entry(r.trackId);
      c.taste += r.score / listeners.length;
      if (r.score > c.best) [c.best, c.reason] = [r.score, `radio: ${r.reason}`];
    }
  }
  if (req.seed) {
    const seed = req.seed;
    for (const id of seedCandidates(lib, seed, avoid, req.poolSize ?? 200)) entry(id);
    const values = [...cands.values()].map((c) => {
      const t = lib.get(c.id);
      return (c.seed = t ? seedAffinity(lib, seed, t) : 0);
    });
    const lo = Math.min(...values);
    const hi = Math.max(...values);
    const w = req.seedWeight ?? 1;
    for (const c of cands.values()) {
      c.seed = hi > lo ? (w * (c.seed - lo)) / (hi - lo) : 0;
      if (c.reason === '' || c.seed > c.taste) c.reason = seedReason(lib, seed);
    }
  }
  const picks = [...cands.values()]
    .filter((c) => lib.get(c.id) !== undefined)
    .map((c) => ({ trackId: c.id, score: c.taste + c.seed, reason: c.reason || 'radio' }))
    .sort((a, b) => b.score - a.score || (a.trackId < b.trackId ? -1 : 1));
  if (picks.length >= n) return picks.slice(0, n);
  return [...picks, ...fillers(req, listeners, new Set([...avoid, ...picks.map((p) => p.trackId)]), n - picks.length)];
}

/**
 * When the recommender runs dry (a small library whose tracks the listeners all rated): the other
 * tracks, those the listeners liked first (their latest reactions summed), then the rest.
 */
function fillers(req: RadioRequest, listeners: readonly string[], taken: ReadonlySet<string>, n: number): RadioPick[] {
  const who = new Set(listeners);
  const latest = new Map<string, { value: number; atMs: number }>();
  for (const f of req.feedback) {
    if (!who.has(f.userId)) continue;
    const key = `${f.userId}\u0000${f.trackId}`;
    const seen = latest.get(key);
    if (!seen || f.atMs >= seen.atMs) latest.set(key, { value: f.value, atMs: f.atMs });
  }
  const liking = new Map<string, number>();
  for (const [key, v] of latest) {
    const trackId = key.split('\u0000')[1] ?? '';
    liking.set(trackId, (liking.get(trackId) ?? 0) + v.value);
  }
  return req.library.index
    .search(new Float32Array(req.library.dim), req.library.size, { exclude: taken, exact: true })
    .map((h) => ({ trackId: h.id, score: liking.get(h.id) ?? 0, reason: 'radio: played again' }))
    .sort((a, b) => b.score - a.score || (a.trackId < b.trackId ? -1 : 1))
    .slice(0, n);
}
