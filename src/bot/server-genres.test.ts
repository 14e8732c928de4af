import type { BaseMessageOptions, EmbedBuilder } from 'discord.js';
import { describe, expect, it } from 'vitest';
import { correctRockToBlues, genreTrack, recsTestEnv, trainAndStore } from './test-fixtures.js';
import { GUILD_A, GUILD_B, USER_1 } from '../store/test-support.js';
import type { StoredTrack } from '../store/types.js';
import type { AnswerTarget } from './answer.js';
import type { Deps } from './deps.js';
import { showStoredTrack } from './finish.js';
import { listEmbed, statsEmbed } from './library-views.js';
import { TUNED_MARKER, serverGenreOf } from './server-genres.js';

const track = genreTrack;

const fx = recsTestEnv();

/** The embed that {@link showStoredTrack} answers with (the answer path of /classify, the context menu and auto-classify). */
async function answerEmbed(t: StoredTrack): Promise<ReturnType<EmbedBuilder['toJSON']>> {
  let shown: BaseMessageOptions | undefined;
  const target: AnswerTarget = { progress: () => Promise.resolve(), failure: () => Promise.resolve(), final: (payload) => ((shown = payload), Promise.resolve(undefined)) };
  await showStoredTrack(t, target, fx.deps as Deps, { channelId: '1' });
  return (shown?.embeds?.[0] as EmbedBuilder).toJSON();
}

describe('the server\'s genre head where the server sees genres', () => {
  it('changes the answer embed and the library views of its own server only, and never the stored track', async () => {
    for (const guildId of [GUILD_A, GUILD_B]) {
      for (let n = 0; n < 6; n++) await fx.stores.tracks.upsert(track(guildId, 'rock', n));
      for (let n = 0; n < 6; n++) await fx.stores.tracks.upsert(track(guildId, 'jazz', n));
    }
    // Server A's members hear its "rock" as blues: five of six corrected; rock-5 is left as the model said.
    await correctRockToBlues(fx.stores, GUILD_A, USER_1);
    const uncorrected = track(GUILD_A, 'rock', 5);
    const before = await answerEmbed(uncorrected);
    expect(before.description).toMatch(/^\*\*rock\*\*/);
    expect(before.footer?.text).not.toContain(TUNED_MARKER);

    const model = await trainAndStore(fx.stores, GUILD_A);
    expect(model.genreHead).toBeDefined();

    // Server A: the answer's top genre and bars go through the head, with the marker.
    const tuned = await answerEmbed(uncorrected);
    expect(tuned.description).toMatch(/^\*\*blues\*\*/);
    expect(tuned.footer?.text).toContain(TUNED_MARKER);
    // The timeline keeps the shipped model's per-window genres (segments carry no embedding).
    expect(tuned.fields?.find((f) => f.name === 'Timeline')?.value).toContain('rock');
    // Server B, same audio, no model: the base genres, no marker.
    const other = await answerEmbed(track(GUILD_B, 'rock', 5));
    expect(other.description).toMatch(/^\*\*rock\*\*/);
    expect(other.footer?.text).not.toContain(TUNED_MARKER);

    // /library list and stats.
    const line = (embed: ReturnType<EmbedBuilder['toJSON']>): string | undefined => embed.description?.split('\n').find((l) => l.includes('**rock-5**'));
    const listOf = async (guildId: string): Promise<ReturnType<EmbedBuilder['toJSON']>> => {
      const page = await fx.stores.tracks.list(guildId, { limit: 20 });
      return listEmbed('Library', page.items, page.total, 1, await serverGenreOf(fx.deps, guildId)).toJSON();
    };
    const listA = await listOf(GUILD_A);
    expect(line(listA)).toContain('· blues ·');
    expect(listA.footer?.text).toContain(TUNED_MARKER);
    const listB = await listOf(GUILD_B);
    expect(line(listB)).toContain('· rock ·');
    expect(listB.footer?.text).not.toContain(TUNED_MARKER);
    const statsA = (await statsEmbed(fx.stores.tracks, GUILD_A, await serverGenreOf(fx.deps, GUILD_A))).toJSON();
    expect(statsA.description).toContain('**blues**: 6');
    expect(statsA.description).not.toContain('**rock**');
    expect(statsA.footer?.text).toContain(TUNED_MARKER);
    const statsB = (await statsEmbed(fx.stores.tracks, GUILD_B, await serverGenreOf(fx.deps, GUILD_B))).toJSON();
    expect(statsB.description).toContain('**rock**: 6');

    // /play genre: picks by the server's genres too.
    const blues = async (guildId: string): Promise<string[]> => (await fx.stores.tracks.list(guildId, { genre: 'blues' }, (await serverGenreOf(fx.deps, guildId)).genreOf)).items.map((t) => t.title).sort();
    expect(await blues(GUILD_A)).toEqual(['rock-0', 'rock-1', 'rock-2', 'rock-3', 'rock-4', 'rock-5']);
    expect(await blues(GUILD_B)).toEqual([]);

    // The shared track data keeps the shipped model's output.
    const stored = await fx.stores.tracks.get(GUILD_A, uncorrected.id);
    expect(stored?.analysis.genres[0]?.genre).toBe('rock');
    expect((await fx.stores.tracks.list(GUILD_A, { genre: 'rock' })).items.map((t) => t.title)).toEqual(['rock-5']);
  });
});
