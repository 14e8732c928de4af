import { describe, expect, it } from 'vitest';
import { fitEase } from './cf.js';
import { Library, type RecTrack } from './library.js';
import { mmrSelect } from './mmr.js';
import { recommendForMember, recommendForServer, recommendLike } from './recommend.js';
import { axisEmbedding, clusterTrack, TEST_GENRES, vote } from './test-fixtures.js';

const GENRES = TEST_GENRES;
const emb = axisEmbedding;
const track = clusterTrack;

// Five tracks per genre cluster; rock tracks r0-r4 by two artists.
const TRACKS: RecTrack[] = [0, 1, 2].flatMap((axis) =>
  [0, 1, 2, 3, 4].map((i) => track(`${GENRES[axis]?.[0]}${i}`, axis, 0.05 * i, axis === 0 ? (i < 3 ? 'Ann' : 'Bob') : undefined)),
);
const fb = vote;

describe('recommendForMember', () => {
  it('never recommends a track the member rated, and follows what they liked', () => {
    const lib = Library.of(TRACKS, 3, GENRES);
    const feedback = [fb('u', 'r0', 1), fb('u', 'r1', 1), fb('u', 'j0', -1)];
    const recs = recommendForMember({ library: lib, feedback, k: 5, maxPerArtist: 5 }, 'u');
    expect(recs.map((r) => r.trackId).filter((id) => ['r0', 'r1', 'j0'].includes(id))).toEqual([]);
    expect(recs[0]?.trackId.startsWith('r')).toBe(true);
    expect(recs.findIndex((r) => r.trackId.startsWith('j'))).not.toBe(1);
    expect(recs[0]?.reason).toMatch(/^sounds like “T r[01]” by Ann, which you liked$/);
  });

  it('reflects a reaction given a moment ago on the next request', () => {
    const lib = Library.of(TRACKS, 3, GENRES);
    const feedback = [fb('u', 'r0', 1, 1000)];
    expect(recommendForMember({ library: lib, feedback, k: 1 }, 'u')[0]?.trackId.startsWith('r')).toBe(true);
    feedback.push(fb('u', 'p0', 1, 2000), fb('u', 'p1', 1, 2001), fb('u', 'r0', -1, 2002));
    const after = recommendForMember({ library: lib, feedback, k: 1 }, 'u');
    expect(after[0]?.trackId.startsWith('p')).toBe(true);
  });

  it('names the co-liked track when collaborative filtering drives the pick', () => {
    const lib = Library.of(TRACKS, 3, GENRES);
    // Others who liked r0 also liked j4; u likes r0 only.
    const feedback = ['a', 'b', 'c'].flatMap((u) => [fb(u, 'r0', 1), fb(u, 'j4', 1)]).concat(fb('u', 'r0', 1));
    const cf = fitEase(feedback, { lambda: 1 });
    const recs = recommendForMember({ library: lib, feedback, cf, k: 5, weights: { cf: 1, content: 0.1, genre: 0 } }, 'u');
    const j4 = recs.find((r) => r.trackId === 'j4');
    expect(j4?.reason).toBe('because you liked “T r0” by Ann');
    expect(recs[0]?.trackId).toBe('j4');
  });

  it('gives a member without reactions (cold start) the server view, popular tracks first', () => {
    const lib = Library.of(TRACKS, 3, GENRES);
    const feedback = [fb('a', 'p2', 1), fb('b', 'p2', 1), fb('a', 'j1', 1)];
    const recs = recommendForMember({ library: lib, feedback, k: 3 }, 'newcomer');
    expect(recs[0]?.trackId).toBe('p2');
    expect(recs[0]?.reason).toBe('popular here (2 👍)');
    expect(recommendForServer({ library: lib, feedback, k: 3 })).toEqual(recs);
  });

  it('recommends a brand-new track nobody rated (cold start track) by its content', () => {
    const lib = Library.of(TRACKS, 3, GENRES);
    const feedback = [fb('u', 'j0', 1), fb('u', 'j1', 1), fb('v', 'j0', 1), fb('v', 'r0', 1)];
    const cf = fitEase(feedback);
    lib.add({ id: 'new', title: 'Fresh', embedding: emb(1, 0.02), genreProbabilities: [0, 1, 0] });
    const recs = recommendForMember({ library: lib, feedback, cf, k: 3 }, 'u');
    expect(recs.map((r) => r.trackId)).toContain('new');
    expect(recs.find((r) => r.trackId === 'new')?.reason).toMatch(/^sounds like “T j[01]”, which you liked$/);
  });

  it('keeps the list diverse: at most maxPerArtist per artist', () => {
    const lib = Library.of(TRACKS, 3, GENRES);
    const recs = recommendForMember({ library: lib, feedback: [fb('u', 'p0', 1), fb('u', 'r2', 1)], k: 6, maxPerArtist: 1 }, 'u');
    const artists = recs.map((r) => lib.get(r.trackId)?.artist).filter((a) => a !== undefined);
    expect(artists.filter((a) => a === 'Ann').length).toBeLessThanOrEqual(1);
    expect(artists.filter((a) => a === 'Bob').length).toBeLessThanOrEqual(1);
    expect(recs).toHaveLength(6);
  });

  it('is deterministic', () => {
    const lib = Library.of(TRACKS, 3, GENRES);
    const req = { library: lib, feedback: [fb('u', 'p0', 1), fb('u', 'j2', -1)], k: 5, fineTune: true };
    expect(recommendForMember(req, 'u')).toEqual(recommendForMember(req, 'u'));
  });
});

describe('recommendLike', () => {
  it('returns tracks that sound like the seed, without the seed or what the member rated', () => {
    const lib = Library.of(TRACKS, 3, GENRES);
    const recs = recommendLike({ library: lib, feedback: [fb('u', 'j1', 1)], k: 3 }, 'j0', 'u');
    expect(recs.map((r) => r.trackId)).not.toContain('j0');
    expect(recs.map((r) => r.trackId)).not.toContain('j1');
    expect(recs.every((r) => r.trackId.startsWith('j'))).toBe(true);
    expect(recs[0]?.reason).toBe('sounds like “T j0”');
    expect(recommendLike({ library: lib, feedback: [] }, 'missing')).toEqual([]);
  });
});

describe('mmrSelect', () => {
  it('prefers a different direction over a near-duplicate when relevance is close', () => {
    const cands = [
      { id: 'a', relevance: 1, embedding: [1, 0] },
      { id: 'a2', relevance: 0.95, embedding: [1, 0] },
      { id: 'b', relevance: 0.9, embedding: [0, 1] },
    ];
    expect(mmrSelect(cands, 2, { lambda: 0.5 }).map((c) => c.id)).toEqual(['a', 'b']);
    expect(mmrSelect(cands, 2, { lambda: 1 }).map((c) => c.id)).toEqual(['a', 'a2']);
  });
});

describe('Library', () => {
  it('turns the pre-scan on once it reaches its threshold, and recommends the same with it', () => {
    const tracks: RecTrack[] = Array.from({ length: 60 }, (_, i) => track(`x${i}`, i % 3, (i % 20) * 0.02, `A${i}`));
    const exact = Library.of(tracks, 3, GENRES);
    const scanned = new Library(3, GENRES, 16, 50);
    for (const t of tracks.slice(0, 49)) scanned.add(t);
    expect(scanned.index.prescanKind).toBeUndefined();
    for (const t of tracks.slice(49)) scanned.add(t);
    expect(scanned.index.prescanKind).toBe('int8-wasm');
    const feedback = [fb('u', 'x0', 1), fb('u', 'x3', 1), fb('u', 'x1', -1)];
    const ids = (lib: Library): string[] => recommendForMember({ library: lib, feedback, k: 5 }, 'u').map((r) => r.trackId);
    expect(ids(scanned)).toEqual(ids(exact));
  });
});
