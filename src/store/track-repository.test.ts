import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import type { Stores } from './open.js';
import { GUILD_A, GUILD_B, hashOf, makeTrack, tempDataDir, USER_1, USER_2 } from './test-support.js';

let data: Awaited<ReturnType<typeof tempDataDir>>;
let stores: Stores;
beforeAll(async () => {
  data = await tempDataDir();
  stores = await data.open();
});
afterAll(() => data.dispose());

describe('TrackRepository', () => {
  beforeEach(() => stores.forgetGuild(GUILD_A));

  it('round-trips a full track and reports whether it was new', async () => {
    const track = makeTrack(GUILD_A, 'round', { artist: 'Someone', album: 'Album', messageUrl: 'https://discord.com/channels/1/2/3' });
    expect(await stores.tracks.upsert(track)).toEqual({ track, created: true });
    expect(await stores.tracks.get(GUILD_A, track.id)).toEqual(track);
    expect(await stores.tracks.get(GUILD_B, track.id)).toBeUndefined();
    const all = [];
    for await (const each of stores.tracks.all(GUILD_A)) all.push(each);
    expect(all).toEqual([track]);
  });

  it('keeps the first upload and a correction when the same audio comes again', async () => {
    const first = makeTrack(GUILD_A, 'again', { uploaderId: USER_1, addedAt: '2026-01-01T00:00:00.000Z' });
    await stores.tracks.upsert(first);
    await stores.tracks.setCorrectedGenre(GUILD_A, first.id, 'blues');
    const second = makeTrack(GUILD_A, 'again', {
      uploaderId: USER_2,
      addedAt: '2026-06-01T00:00:00.000Z',
      title: 'Tagged title',
      modelVersion: '2.0.0',
    });
    const result = await stores.tracks.upsert(second);
    expect(result.created).toBe(false);
    expect(result.track).toMatchObject({
      uploaderId: USER_1,
      addedAt: '2026-01-01T00:00:00.000Z',
      correctedGenre: 'blues',
      title: 'Tagged title',
      modelVersion: '2.0.0',
    });
    expect((await stores.tracks.list(GUILD_A)).items[0]).toMatchObject({ title: 'Tagged title', genre: 'blues' });
  });

  it('lists newest first, pages with a total, and searches title, artist, album and file name', async () => {
    for (let i = 0; i < 25; i++) {
      await stores.tracks.upsert(
        makeTrack(GUILD_A, `song ${String(i).padStart(2, '0')}`, {
          addedAt: new Date(Date.UTC(2026, 0, 1, 0, i)).toISOString(),
          artist: i % 5 === 0 ? 'Beyoncé' : 'Band',
          album: i === 7 ? 'Blue Album' : undefined,
          fileName: i === 8 ? 'RARE_take.flac' : `file${i}.mp3`,
          genre: i % 2 ? 'jazz' : 'rock',
        }),
      );
    }
    const first = await stores.tracks.list(GUILD_A);
    expect(first).toMatchObject({ total: 25, offset: 0, limit: 10 });
    expect(first.items.map((t) => t.title).slice(0, 2)).toEqual(['song 24', 'song 23']);
    const last = await stores.tracks.list(GUILD_A, { offset: 20, limit: 10 });
    expect(last.items.map((t) => t.title)).toEqual(['song 04', 'song 03', 'song 02', 'song 01', 'song 00']);
    expect((await stores.tracks.list(GUILD_A, { offset: 30 })).items).toEqual([]);
    expect((await stores.tracks.list(GUILD_A, { limit: 1000 })).limit).toBe(100);

    const beyonce = await stores.tracks.list(GUILD_A, { search: '  BEYONCE ' });
    expect(beyonce.items.map((t) => t.title).sort()).toEqual(['song 00', 'song 05', 'song 10', 'song 15', 'song 20']);
    expect((await stores.tracks.list(GUILD_A, { search: 'blue alb' })).items.map((t) => t.title)).toEqual(['song 07']);
    expect((await stores.tracks.list(GUILD_A, { search: 'rare_TAKE' })).items.map((t) => t.title)).toEqual(['song 08']);
    expect((await stores.tracks.list(GUILD_A, { search: 'nothing like it' })).total).toBe(0);

    const jazzyBeyonce = await stores.tracks.list(GUILD_A, { search: 'beyonce', genre: 'jazz' });
    expect(jazzyBeyonce.items.map((t) => t.title).sort()).toEqual(['song 05', 'song 15']);
    expect((await stores.tracks.list(GUILD_A, { genre: 'rock' })).total).toBe(13);
  });

  it('counts tracks and durations by shown genre, corrections included', async () => {
    await stores.tracks.upsert(makeTrack(GUILD_A, 'r1', { genre: 'rock', durationS: 100, audioBytes: 1000 }));
    await stores.tracks.upsert(makeTrack(GUILD_A, 'r2', { genre: 'rock', durationS: 50.5, audioBytes: 500 }));
    await stores.tracks.upsert(makeTrack(GUILD_A, 'j1', { genre: 'jazz', durationS: 10 }));
    await stores.tracks.upsert(makeTrack(GUILD_A, 'p1', { genre: 'pop', durationS: 20 }));
    await stores.tracks.setCorrectedGenre(GUILD_A, hashOf('p1'), 'jazz');
    expect(await stores.tracks.stats(GUILD_A)).toEqual({
      trackCount: 4,
      totalDurationS: 180.5,
      audioBytes: 1500,
      genres: [
        { genre: 'jazz', count: 2, durationS: 30 },
        { genre: 'rock', count: 2, durationS: 150.5 },
      ],
    });
    expect(await stores.tracks.stats(GUILD_B)).toEqual({ trackCount: 0, totalDurationS: 0, audioBytes: 0, genres: [] });
  });

  it('sets and clears a corrected genre; the model genre stays in the summary', async () => {
    const track = makeTrack(GUILD_A, 'fix me', { genre: 'disco' });
    await stores.tracks.upsert(track);
    expect((await stores.tracks.setCorrectedGenre(GUILD_A, track.id, 'hiphop'))?.correctedGenre).toBe('hiphop');
    expect((await stores.tracks.list(GUILD_A)).items[0]).toMatchObject({ genre: 'hiphop', topGenre: 'disco', topProbability: 0.55 });
    const cleared = await stores.tracks.setCorrectedGenre(GUILD_A, track.id, undefined);
    expect(cleared).toEqual(track);
    expect((await stores.tracks.list(GUILD_A)).items[0]?.genre).toBe('disco');
    expect(await stores.tracks.setCorrectedGenre(GUILD_A, hashOf('missing'), 'pop')).toBeUndefined();
  });

  it('applies concurrent corrections and re-uploads without losing either', async () => {
    const track = makeTrack(GUILD_A, 'busy');
    await stores.tracks.upsert(track);
    await Promise.all([
      stores.tracks.setCorrectedGenre(GUILD_A, track.id, 'country'),
      stores.tracks.upsert({ ...track, title: 'Renamed' }),
    ]);
    expect(await stores.tracks.get(GUILD_A, track.id)).toMatchObject({ title: 'Renamed', correctedGenre: 'country' });
  });

  it('removes a track with its audio copy and message mappings, and nothing of another track or server', async () => {
    const gone = makeTrack(GUILD_A, 'gone');
    const stays = makeTrack(GUILD_A, 'stays');
    for (const track of [gone, stays]) {
      await stores.tracks.upsert(track);
      await stores.audio.put(GUILD_A, track.id, new Uint8Array(8));
    }
    await stores.tracks.upsert(makeTrack(GUILD_B, 'gone'));
    await stores.audio.put(GUILD_B, gone.id, new Uint8Array(8));
    await stores.trackMessages.put({ guildId: GUILD_A, channelId: '1', messageId: '10', trackId: gone.id });
    await stores.trackMessages.put({ guildId: GUILD_A, channelId: '1', messageId: '11', trackId: gone.id });
    await stores.trackMessages.put({ guildId: GUILD_A, channelId: '1', messageId: '12', trackId: stays.id });

    expect(await stores.tracks.remove(GUILD_A, gone.id)).toBe(true);
    expect(await stores.tracks.remove(GUILD_A, gone.id)).toBe(false);
    expect(await stores.tracks.get(GUILD_A, gone.id)).toBeUndefined();
    expect((await stores.tracks.list(GUILD_A)).items.map((t) => t.title)).toEqual(['stays']);
    expect(await stores.audio.read(GUILD_A, gone.id)).toBeUndefined();
    expect(await stores.audio.usage(GUILD_A)).toBe(8);
    expect(await stores.trackMessages.forTrack(GUILD_A, gone.id)).toEqual([]);
    expect((await stores.trackMessages.get(GUILD_A, '12'))?.trackId).toBe(stays.id);
    expect(await stores.tracks.get(GUILD_B, gone.id)).toBeDefined();
    expect(await stores.audio.usage(GUILD_B)).toBe(8);
  });
});
