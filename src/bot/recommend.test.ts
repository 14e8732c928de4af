import { describe, expect, it } from 'vitest';
import { correctRockToBlues, genreTrack, recsTestEnv, trainAndStore } from './test-fixtures.js';
import { GUILD_A, GUILD_B, USER_1, USER_2, reaction } from '../store/test-support.js';
import { recommendTracks, type RecommendQuery } from './recommend.js';
import { recGenre } from './recommend-library.js';

const track = genreTrack;

const fx = recsTestEnv();

const query = (over: Partial<RecommendQuery> = {}): RecommendQuery => ({ guildId: GUILD_A, userId: USER_2, scope: 'me', count: 5, ...over });
let clock = Date.parse('2026-11-22T10:00:00.000Z');
const at = (): string => new Date((clock += 1000)).toISOString();

describe('recommendTracks', () => {
  it('explains an empty library, an unknown track and a genre with no tracks', async () => {
    await expect(recommendTracks(query(), fx.deps)).rejects.toThrow(/library is empty/);
    await fx.stores.tracks.upsert(track(GUILD_A, 'jazz', 1));
    await expect(recommendTracks(query({ likeTrackId: 'f'.repeat(64) }), fx.deps)).rejects.toThrow(/don't know that track/);
    await expect(recommendTracks(query({ genre: 'metal' }), fx.deps)).rejects.toThrow(/no \*\*metal\*\*/);
  });

  it('serves a cold start, then follows fresh reactions and never repeats a rated track', async () => {
    for (const genre of ['jazz', 'metal', 'pop'] as const) for (let n = 0; n < 6; n++) await fx.stores.tracks.upsert(track(GUILD_A, genre, n));
    const cold = await recommendTracks(query({ count: 6 }), fx.deps);
    expect(cold.ratedByMember).toBe(0);
    expect(cold.picks).toHaveLength(6);
    // Like one jazz track, dislike one metal track: the next request leans to jazz at once.
    const jazz = cold.picks.find((p) => p.genre === 'jazz') ?? { track: track(GUILD_A, 'jazz', 0) };
    const metal = cold.picks.find((p) => p.genre === 'metal') ?? { track: track(GUILD_A, 'metal', 0) };
    await fx.stores.feedback.set(reaction(GUILD_A, USER_2, '1', jazz.track.id, 1, at()));
    await fx.stores.feedback.set(reaction(GUILD_A, USER_2, '2', metal.track.id, -1, at()));
    const next = await recommendTracks(query({ count: 4 }), fx.deps);
    expect(next.ratedByMember).toBe(2);
    const ids = next.picks.map((p) => p.track.id);
    expect(ids).not.toContain(jazz.track.id);
    expect(ids).not.toContain(metal.track.id);
    expect(next.picks.filter((p) => p.genre === 'jazz').length).toBeGreaterThanOrEqual(3);
    expect(next.picks[0]?.recommendation.reason).toMatch(/jazz-|liked/);
  });

  it('keeps the cached library in step with adds, corrections and removals, per server', async () => {
    const a = track(GUILD_A, 'rock', 1);
    await fx.stores.tracks.upsert(a);
    expect((await fx.deps.recs.libraries.get(GUILD_A)).library.size).toBe(1);
    await fx.stores.tracks.upsert(track(GUILD_A, 'pop', 2));
    await fx.stores.tracks.upsert(track(GUILD_B, 'pop', 3));
    expect((await fx.deps.recs.libraries.get(GUILD_A)).library.size).toBe(2);
    await fx.stores.tracks.setCorrectedGenre(GUILD_A, a.id, 'blues');
    expect(recGenre((await fx.deps.recs.libraries.get(GUILD_A)).tracks.get(a.id)!)).toBe('blues');
    await fx.stores.tracks.remove(GUILD_A, a.id);
    const lib = await fx.deps.recs.libraries.get(GUILD_A);
    expect(lib.library.size).toBe(1);
    expect(lib.tracks.has(a.id)).toBe(false);
    expect((await fx.deps.recs.libraries.get(GUILD_B)).library.size).toBe(1);
  });

  it('filters by genre, recommends like a track and leaves out what the member rated, also for the server view', async () => {
    for (const genre of ['jazz', 'pop'] as const) for (let n = 0; n < 4; n++) await fx.stores.tracks.upsert(track(GUILD_A, genre, n));
    const seed = track(GUILD_A, 'jazz', 0);
    await fx.stores.feedback.set(reaction(GUILD_A, USER_1, '3', track(GUILD_A, 'pop', 1).id, 1, at()));
    await fx.stores.feedback.set(reaction(GUILD_A, USER_2, '4', track(GUILD_A, 'jazz', 1).id, 1, at()));
    const like = await recommendTracks(query({ likeTrackId: seed.id, count: 3 }), fx.deps);
    // Two jazz tracks are left once the seed and the member's rated one are out; then the nearest other.
    expect(like.picks.map((p) => p.genre)).toEqual(['jazz', 'jazz', 'pop']);
    expect(like.picks.map((p) => p.track.id)).not.toContain(seed.id);
    expect(like.picks.map((p) => p.track.id)).not.toContain(track(GUILD_A, 'jazz', 1).id);
    const pop = await recommendTracks(query({ genre: 'pop', count: 10 }), fx.deps);
    expect(pop.picks.every((p) => p.genre === 'pop')).toBe(true);
    expect(pop.picks).toHaveLength(4);
    const server = await recommendTracks(query({ scope: 'server', count: 10 }), fx.deps);
    expect(server.picks.map((p) => p.track.id)).not.toContain(track(GUILD_A, 'jazz', 1).id);
    expect(server.picks[0]?.recommendation.reason).toMatch(/popular here/);
  });
});

describe('the server model in recommendations', () => {
  it('shows genres through the server\'s genre head, reports the model, and keeps it to its server', async () => {
    for (let n = 0; n < 6; n++) await fx.stores.tracks.upsert(track(GUILD_A, 'rock', n));
    for (let n = 0; n < 6; n++) await fx.stores.tracks.upsert(track(GUILD_A, 'jazz', n));
    await fx.stores.tracks.upsert(track(GUILD_B, 'rock', 9));
    // Members hear this server's "rock" as blues: five of six corrected.
    await correctRockToBlues(fx.stores, GUILD_A, USER_1);
    const before = await recommendTracks(query({ genre: 'rock', count: 10 }), fx.deps);
    expect(before.model).toBeUndefined();
    expect(before.picks.map((p) => p.track.title)).toEqual(['rock-5']);
    const model = await trainAndStore(fx.stores, GUILD_A);
    expect(model.genreHead).toBeDefined();
    const after = await recommendTracks(query({ genre: 'blues', count: 10 }), fx.deps);
    expect(after.model?.examples).toBe(5);
    // The uncorrected rock track sounds like the corrected ones: the head moves it to blues too.
    expect(after.picks.map((p) => p.track.title).sort()).toEqual(['rock-0', 'rock-1', 'rock-2', 'rock-3', 'rock-4', 'rock-5']);
    await expect(recommendTracks(query({ genre: 'rock' }), fx.deps)).rejects.toThrow(/no \*\*rock\*\*/);
    const other = await recommendTracks(query({ guildId: GUILD_B, genre: 'rock' }), fx.deps);
    expect(other.model).toBeUndefined();
    expect(other.picks).toHaveLength(1);
  });
});
