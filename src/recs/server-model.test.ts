import { describe, expect, it } from 'vitest';
import { mulberry32 } from '../ml/rng.js';
import { Library, type RecFeedback, type RecTrack } from './library.js';
import { recommendForMember, recommendForServer, recommendLike } from './recommend.js';
import { applyGenreHead, fitServerModel, ServerModelSchema, type ServerModel } from './server-model.js';
import { preferenceScorer } from './server-preference.js';

const DIM = 16;
const GENRES = ['a', 'b', 'c', 'd'];

/** 40 tracks per cluster around 4 orthogonal-ish directions; base genre probabilities follow the cluster. */
function library(seed = 1): Library {
  const rng = mulberry32(seed);
  const gauss = (): number => Math.sqrt(-2 * Math.log(1 - rng.next())) * Math.cos(2 * Math.PI * rng.next());
  const tracks: RecTrack[] = [];
  for (let g = 0; g < 4; g++) {
    for (let i = 0; i < 40; i++) {
      const v = Array.from({ length: DIM }, (_, j) => (j === g * 4 ? 3 : 0) + 0.5 * gauss());
      const n = Math.hypot(...v);
      const probs = [0.1, 0.1, 0.1, 0.1];
      probs[g] = 0.7;
      tracks.push({ id: `${GENRES[g]}${i}`, title: `${GENRES[g]}${i}`, embedding: v.map((x) => x / n), genreProbabilities: probs });
    }
  }
  return Library.of(tracks, DIM, GENRES);
}

/** Members 0-5 like clusters a and b and dislike c and d; each rates 8 tracks of each cluster. */
function feedback(): RecFeedback[] {
  const out: RecFeedback[] = [];
  for (let u = 0; u < 6; u++) {
    for (let g = 0; g < 4; g++) {
      for (let i = 0; i < 8; i++) out.push({ userId: `u${u}`, trackId: `${GENRES[g]}${(u * 5 + i) % 40}`, value: g < 2 ? 1 : -1, atMs: 1000 + i });
    }
  }
  return out;
}

describe('fitServerModel', () => {
  it('is deterministic for a seed and survives a JSON round trip through its schema', () => {
    const lib = library();
    const input = { library: lib, feedback: feedback(), corrections: [{ trackId: 'a0', genre: 1, atMs: 5 }], seed: 3 };
    const model = fitServerModel(input);
    expect(fitServerModel(input)).toEqual(model);
    expect(model.feedbackCount).toBe(192);
    expect(model.correctionCount).toBe(1);
    expect(model.trainedAtMs).toBe(1007);
    const back = ServerModelSchema.parse(JSON.parse(JSON.stringify(model)));
    expect(back).toEqual(model);
    expect(ServerModelSchema.safeParse({ ...model, preference: { ...model.preference, server: { bias: 0, genre: [1], content: [] } } }).success).toBe(false);
    expect(ServerModelSchema.safeParse({ ...model, version: 2 }).success).toBe(false);
  });

  it('learns what the server likes, and serves an unknown member with the server taste', () => {
    const lib = library();
    const model = fitServerModel({ library: lib, feedback: feedback(), corrections: [] });
    const pref = model.preference;
    if (!pref) throw new Error('expected a preference model');
    const member = preferenceScorer(pref, 'u0');
    const stranger = preferenceScorer(pref, 'nobody');
    // Unrated tracks (index 39 is rated by nobody).
    for (const scorer of [member, stranger]) {
      const s = (id: string): number => scorer.score(id, lib.get(id)?.embedding ?? [], lib.get(id)?.genreProbabilities);
      expect(Math.min(s('a39'), s('b39'))).toBeGreaterThan(0.7);
      expect(Math.max(s('c39'), s('d39'))).toBeLessThan(0.3);
    }
  });

  it('has no preference model with too little data, and no head without corrections', () => {
    const lib = library();
    const model = fitServerModel({ library: lib, feedback: feedback().slice(0, 5), corrections: [] });
    expect(model.preference).toBeUndefined();
    expect(model.genreHead).toBeUndefined();
    expect(applyGenreHead(model, lib.get('a1')?.embedding ?? [], [0.7, 0.1, 0.1, 0.1])).toEqual([0.7, 0.1, 0.1, 0.1]);
  });

  it('corrections move the genre of similar tracks and leave the others about unchanged', () => {
    const lib = library();
    // Members say tracks a0-a9 are genre c, not a.
    const corrections = Array.from({ length: 10 }, (_, i) => ({ trackId: `a${i}`, genre: 2, atMs: i }));
    const model = fitServerModel({ library: lib, feedback: [], corrections });
    const probs = (id: string): number[] => {
      const t = lib.get(id);
      return applyGenreHead(model, t?.embedding ?? [], t?.genreProbabilities ?? []);
    };
    // A corrected track and an uncorrected one of the same cluster now lean to c.
    expect(probs('a0')[2]).toBeGreaterThan(0.5);
    expect(probs('a30')[2]).toBeGreaterThan(0.6);
    // Tracks of the other clusters keep their base distribution within a few points.
    for (const id of ['b5', 'c5', 'd5', 'b30', 'd30']) {
      const base = lib.get(id)?.genreProbabilities ?? [];
      probs(id).forEach((p, g) => expect(Math.abs(p - (base[g] ?? 0))).toBeLessThan(0.06));
    }
  });

  it('is used by the recommender: the server view follows its learned taste', () => {
    const lib = library();
    const model: ServerModel = fitServerModel({ library: lib, feedback: feedback(), corrections: [] });
    // Only the model knows the taste: the request carries no feedback.
    const recs = recommendForServer({ library: lib, feedback: [], serverModel: model, k: 10 });
    expect(recs.filter((r) => /^[ab]/.test(r.trackId)).length).toBeGreaterThanOrEqual(9);
    const mine = recommendForMember({ library: lib, feedback: feedback(), serverModel: model, k: 10 }, 'u1');
    expect(mine.filter((r) => /^[ab]/.test(r.trackId)).length).toBeGreaterThanOrEqual(9);
    const rated = new Set(feedback().filter((f) => f.userId === 'u1').map((f) => f.trackId));
    expect(mine.some((r) => rated.has(r.trackId))).toBe(false);
    expect(recommendLike({ library: lib, feedback: [], serverModel: model, k: 5 }, 'c3').length).toBe(5);
  });
});
