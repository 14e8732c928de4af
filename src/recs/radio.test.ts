import { describe, expect, it } from 'vitest';
import { Library, type RecTrack } from './library.js';
import { avoidedTracks, radioNext } from './radio.js';
import { clusterTrack, TEST_GENRES, vote } from './test-fixtures.js';

const GENRES = TEST_GENRES;
const track = clusterTrack;

// Six tracks per genre cluster: r0-r5, j0-j5, p0-p5.
const TRACKS: RecTrack[] = [0, 1, 2].flatMap((axis) => [0, 1, 2, 3, 4, 5].map((i) => track(`${GENRES[axis]?.[0]}${i}`, axis, 0.04 * i)));
const lib = (): Library => Library.of(TRACKS, 3, GENRES);
const fb = vote;

describe('radioNext', () => {
  it('plays what everyone in the channel likes over what one listener loves', () => {
    // a likes rock and jazz, b likes jazz only and dislikes rock: jazz suits both.
    const feedback = [fb('a', 'r0', 1), fb('a', 'r1', 1), fb('a', 'j0', 1), fb('b', 'j1', 1), fb('b', 'r2', -1)];
    const picks = radioNext({ library: lib(), feedback, listeners: ['a', 'b'] }, 3);
    expect(picks.map((p) => p.trackId[0])).toEqual(['j', 'j', 'j']);
    // Alone, a gets rock (two likes) first.
    expect(radioNext({ library: lib(), feedback, listeners: ['a'] })[0]?.trackId[0]).toBe('r');
  });

  it('never repeats one of the recently played tracks', () => {
    const feedback = [fb('a', 'p0', 1)];
    const recent = ['p1', 'p2', 'p3', 'p4'];
    const picks = radioNext({ library: lib(), feedback, listeners: ['a'], recent }, 3);
    expect(picks.map((p) => p.trackId).filter((id) => recent.includes(id))).toEqual([]);
    expect(picks[0]?.trackId).toBe('p5');
  });

  it('follows a genre seed for listeners with no reactions, and a track seed', () => {
    const jazz = radioNext({ library: lib(), feedback: [], listeners: ['new'], seed: { genre: 1 } }, 4);
    expect(jazz.map((p) => p.trackId[0])).toEqual(['j', 'j', 'j', 'j']);
    expect(jazz[0]?.reason).toBe('radio: jazz');
    const likeP3 = radioNext({ library: lib(), feedback: [], listeners: [], seed: { trackId: 'p3' }, recent: ['p3'] }, 2);
    expect(likeP3.map((p) => p.trackId).sort()).toEqual(['p2', 'p4']);
    expect(likeP3[0]?.reason).toBe('radio: sounds like “T p3”');
  });

  it('keeps playing when the recommender runs dry: liked tracks come back first', () => {
    const small = Library.of(TRACKS.slice(0, 3), 3, GENRES);
    // The listener rated every track (the recommender never recommends a rated track).
    const feedback = [fb('a', 'r0', -1), fb('a', 'r1', 1), fb('a', 'r2', -1)];
    const picks = radioNext({ library: small, feedback, listeners: ['a'], recent: ['r2'] }, 2);
    expect(picks.map((p) => p.trackId)).toEqual(['r1', 'r0']);
    expect(radioNext({ library: Library.of([], 3), feedback, listeners: ['a'] })).toEqual([]);
  });
});

describe('avoidedTracks', () => {
  it('keeps the last N played, but never the whole library', () => {
    expect([...avoidedTracks(['a', 'b', 'c', 'd'], 2, 100)]).toEqual(['c', 'd']);
    expect([...avoidedTracks(['a', 'b', 'c', 'd'], 50, 3)]).toEqual(['c', 'd']);
    expect([...avoidedTracks(['a'], 50, 1)]).toEqual([]);
  });
});
