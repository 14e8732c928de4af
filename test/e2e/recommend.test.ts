import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import type { APIMessage } from 'discord-api-types/v10';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { FakeInteraction } from '../fake-discord/index.js';
import { contentHash } from '../../src/jobs/hash.js';
import { GTZAN_DIR } from '../gtzan.js';
import type { ChildRun, LogLine } from './harness.js';
import { World, excerpt } from './harness.js';
import { ANSWER_MS, at, classify, command, isTrackMessage, pngSize, text } from './members.js';

/**
 * /recommend end to end: a library of real GTZAN clips classified by the real worker, a member
 * who reacts to recommendations, and the next request that follows those reactions.
 */
let world: World;
let bot: ChildRun;

/** The clips of the library: four well separated genres, five clips each. */
const GENRES = ['classical', 'metal', 'pop', 'jazz'] as const;
const PER_GENRE = 5;
/** Training soon after the last reaction, so that the tests need not wait 30 s. */
const BOT_ENV = { TRAIN_DEBOUNCE_MS: '1500' };

/** The first `PER_GENRE` excerpt numbers of a genre (some numbers are missing from the folder). */
function clips(genre: string): number[] {
  return readdirSync(join(GTZAN_DIR, 'audio/excerpts', genre)).sort().slice(0, PER_GENRE).map((f) => Number(/\.(\d+)\.flac$/.exec(f)?.[1]));
}

beforeAll(async () => {
  world = await World.start();
  bot = await world.startBot(BOT_ENV);
}, 90_000);

afterAll(async () => {
  await world?.stop();
});

/** True once a recommendation message is complete: its embed and both vote reactions. */
const isPick = (m: APIMessage): boolean => (m.embeds[0]?.title ?? '').match(/^\d+\. /) !== null && (m.reactions?.length ?? 0) >= 2;

/** The GTZAN genre of a pick, from its title ("3. metal.00012"). */
const trueGenre = (m: APIMessage): string => /^\d+\. ([a-z]+)\.\d+/.exec(m.embeds[0]?.title ?? '')?.[1] ?? '?';

/** The track id a pick names (its footer carries the short id). */
const shortId = (m: APIMessage): string => /^id ([0-9a-f]+)/.exec(m.embeds[0]?.footer?.text ?? '')?.[1] ?? '?';

/** Runs /recommend and waits for the reply and its `count` pick messages. */
async function recommend(where: ReturnType<typeof at>, options: Record<string, string | number | boolean | { filename: string; data: Buffer; contentType: string }>, count: number): Promise<{ run: FakeInteraction; header: APIMessage; picks: APIMessage[] }> {
  const run = world.fake.runSlashCommand({ ...where, name: 'recommend', options: { count, ...options } });
  const header = await run.response((m) => /^🎧 \*\*\d+ pick/.test(m.content) || m.content.startsWith('❌') || isTrackMessage(m), ANSWER_MS);
  const picks = await world.fake.waitFor(() => {
    const done = run.followups().filter(isPick);
    return done.length >= count ? done : undefined;
  }, ANSWER_MS, `${count} recommendation messages`);
  return { run, header, picks };
}

const votes = (): number => bot.lines.filter((l) => l.msg === 'vote recorded').length;

/** A recommendation message carol has not reacted to (she does while the bot is down). */
let unratedPick = '';

describe('/recommend', () => {
  it('explains an empty library', async () => {
    const reply = await command(world.fake, at(world.fake, 1, 'carol'), 'recommend');
    expect(reply.content).toMatch(/library is empty/);
  });

  it('seeds a library of real clips (import)', async () => {
    const where = at(world.fake, 0, 'alice');
    for (const genre of GENRES) {
      world.fake.postMessage({ channelId: where.channelId, userId: world.fake.defaults.users.bob, attachments: clips(genre).map((n) => ({ filename: `${genre}.${String(n).padStart(5, '0')}.flac`, data: excerpt(genre, n), contentType: 'audio/flac' })) });
    }
    const run = world.fake.runSlashCommand({ ...where, name: 'library', subcommand: ['import'], options: { channel: where.channelId } });
    const summary = await run.response((m) => m.content.includes('finished'), 180_000);
    expect(summary.content).toMatch(new RegExp(`\\*\\*${GENRES.length * PER_GENRE}\\*\\* new tracks added`));
  }, 200_000);

  it('moves toward the genre a member liked and never repeats a rated track', async () => {
    const where = at(world.fake, 0, 'carol');
    const first = await recommend(where, {}, 6);
    expect(first.header.content).toMatch(/6 picks\*\* for <@\d+>/);
    expect(first.header.content).toMatch(/haven't rated anything/);
    expect(first.picks.every((m) => /💡 /.test(m.embeds[0]?.description ?? ''))).toBe(true);
    const liked = trueGenre(first.picks[0]!);
    const share = (picks: APIMessage[]): number => picks.filter((m) => trueGenre(m) === liked).length / picks.length;
    const before = votes();
    for (const pick of first.picks) world.fake.react(where.userId, where.channelId, pick.id, trueGenre(pick) === liked ? '👍' : '👎');
    await bot.waitForLog('vote recorded', 10_000, () => votes() >= before + first.picks.length);

    const second = await recommend(where, {}, 6);
    const rated = new Set(first.picks.map(shortId));
    expect(second.picks.map(shortId).filter((id) => rated.has(id))).toEqual([]);
    expect(share(second.picks)).toBeGreaterThan(share(first.picks));
    expect(second.picks.filter((m) => trueGenre(m) === liked).length).toBe(PER_GENRE - first.picks.filter((m) => trueGenre(m) === liked).length);
    expect(text(second.picks[0]!)).toMatch(/which you liked|because you liked/);

    // A second round of reactions: twelve in all, enough for the server's preference model.
    const before2 = votes();
    for (const pick of second.picks) world.fake.react(where.userId, where.channelId, pick.id, trueGenre(pick) === liked ? '👍' : '👎');
    await bot.waitForLog('vote recorded', 10_000, () => votes() >= before2 + second.picks.length);
    const third = await recommend(where, {}, 6);
    unratedPick = third.picks[0]!.id;
    second.picks.forEach((m) => rated.add(shortId(m)));
    expect(third.picks.map(shortId).filter((id) => rated.has(id))).toEqual([]);
  }, 60_000);

  it('shows in /profile what was learned: top genres, the tracks that shaped it, and a map of the library with the likes marked', async () => {
    const where = at(world.fake, 0, 'carol');
    const run = world.fake.runSlashCommand({ ...where, name: 'profile' });
    const reply = await run.response(undefined, ANSWER_MS);
    const shown = text(reply);
    expect(shown).toMatch(/Likes\n\d\nDislikes\n\d/);
    expect(shown).toMatch(/What I learned\nYou lean to \*\*[a-z]+\*\*/);
    const shaped = /Tracks that shaped it\n([\s\S]*?)(\n[A-Z]|$)/.exec(shown)?.[1] ?? '';
    expect(shaped.split('\n').length).toBeGreaterThanOrEqual(1);
    // Only tracks of the genre carol liked shaped her taste.
    const likedGenres = new Set([...shaped.matchAll(/👍 \*\*([a-z]+)\.\d+\*\*/g)].map((m) => m[1]));
    expect(likedGenres.size).toBe(1);
    expect(reply.embeds[0]?.image?.url).toBe(reply.attachments[0]?.url);
    const [file] = run.files();
    expect(file?.attachment.filename).toBe('taste-map.png');
    expect(pngSize(file!.data).width).toBeGreaterThan(400);
  }, 60_000);

  it('recommends like a library track picked by autocomplete, and by genre', async () => {
    const where = at(world.fake, 0, 'bob');
    const complete = world.fake.runAutocomplete({ ...where, name: 'recommend', options: { like: 'metal.00011' }, focused: 'like' });
    await complete.acknowledged(5000);
    const choices = complete.autocompleteChoices() ?? [];
    expect(choices.map((c) => c.name)).toEqual([expect.stringMatching(/^metal\.00011 \([0-9a-f]{8}\)$/)]);
    const like = await recommend(where, { like: String(choices[0]!.value) }, 3);
    expect(like.header.content).toMatch(/sound like \*\*metal\.00011\*\*/);
    expect(like.picks.map(trueGenre)).toEqual(['metal', 'metal', 'metal']);
    const unknown = await command(world.fake, where, 'recommend', undefined, { like: 'no such song' });
    expect(unknown.content).toMatch(/No track \*\*no such song\*\*/);
    const jazz = await recommend(where, { genre: 'jazz', for: 'server' }, 2);
    expect(jazz.header.content).toMatch(/2 picks\*\* of \*\*jazz\*\* this server likes/);
  }, 60_000);

  it('classifies an uploaded file first, then recommends tracks that sound like it', async () => {
    const where = at(world.fake, 0, 'bob');
    const { run, header, picks } = await recommend(where, { file: { filename: 'classical.00020.flac', data: excerpt('classical', 20), contentType: 'audio/flac' } }, 3);
    expect(isTrackMessage(header)).toBe(true);
    expect(header.embeds[0]?.title).toBe('classical.00020');
    expect(run.followups()[0]?.content).toMatch(/sound like \*\*classical\.00020\*\*/);
    // Content similarity of real clips: most, not necessarily all, neighbours share the genre.
    expect(picks.filter((m) => trueGenre(m) === 'classical').length).toBeGreaterThanOrEqual(2);
  }, 60_000);

  it('trains the server\'s model after the reactions (once per burst), stores it, and keeps servers apart', async () => {
    const trained = (run: ChildRun): number => run.lines.filter((l) => l.msg === 'job completed' && l.queue === 'train').length;
    type Summary = { feedbackCount?: number; preference?: boolean; guildId?: string };
    const result = (l: LogLine): Summary => (typeof l.result === 'object' && l.result !== null ? l.result : {});
    const twelve = await bot.waitForLog('job completed', 30_000, (l) => l.queue === 'train' && result(l).feedbackCount === 12);
    expect(result(twelve)).toMatchObject({ guildId: world.fake.defaults.guilds[0].id, preference: true });
    const header = (await recommend(at(world.fake, 0, 'carol'), {}, 1)).header.content;
    expect(header).toMatch(/Using this server's model, trained <t:\d+:R> on 12 reactions/);
    // Twelve reactions in two bursts: at most two trainings, not twelve.
    expect(trained(bot)).toBeLessThanOrEqual(2);
    const trainedInGuild0 = trained(bot);

    const other = at(world.fake, 1, 'carol');
    for (const n of [10, 11]) await classify(world.fake, other, { filename: `pop.000${n}.flac`, data: excerpt('pop', n), contentType: 'audio/flac' });
    const otherFirst = await recommend(other, {}, 1);
    expect(otherFirst.header.content).toMatch(/No model trained for this server yet/);
    world.fake.react(other.userId, other.channelId, otherFirst.picks[0]!.id, '👍');
    await bot.waitForLog('job completed', 30_000, () => trained(bot) > trainedInGuild0);
    expect((await recommend(other, {}, 1)).header.content).toMatch(/on 1 reactions/);
    expect((await recommend(at(world.fake, 0, 'bob'), {}, 1)).header.content).toMatch(/on 12 reactions/);
  }, 90_000);

  it('reloads the stored model after a restart and uses it; a vote given while the bot was down trains it again', async () => {
    await bot.kill('SIGKILL');
    const where = at(world.fake, 0, 'carol');
    world.fake.react(where.userId, where.channelId, unratedPick, '👍');
    bot = await world.startBot(BOT_ENV);
    const again = await recommend(where, {}, 3);
    // The model read back from SQLite (the missed vote may already have been trained on).
    expect(again.header.content).toMatch(/Using this server's model, trained <t:\d+:R> on 1[23] reactions/);
    const shown = await bot.waitForLog('recommendations shown', 10_000);
    expect(shown.model).toBeTruthy();
    const retrained = await bot.waitForLog('job completed', 30_000, (l) => l.queue === 'train');
    expect(retrained.result).toMatchObject({ feedbackCount: 13 });
    expect((await recommend(where, {}, 1)).header.content).toMatch(/on 13 reactions/);
  }, 120_000);

  it('shows genres tuned by the server\'s corrections in its classify answers and library, and only there', async () => {
    const where = at(world.fake, 0, 'bob');
    const upload = { filename: 'metal.00020.flac', data: excerpt('metal', 20), contentType: 'audio/flac' };
    const { answer } = await classify(world.fake, where, upload);
    expect(answer.embeds[0]?.footer?.text).not.toMatch(/tuned by this server/);
    const corrected = world.fake.clickSelect({ ...where, messageId: answer.id, customId: `genre:${contentHash(upload.data)}`, values: ['blues'] });
    expect((await corrected.response(undefined, 10_000)).content).toMatch(/noted \*\*blues\*\*/);
    await bot.waitForLog('job completed', 30_000, (l) => l.queue === 'train' && typeof l.result === 'object' && l.result !== null && (l.result as { genreHead?: boolean }).genreHead === true);
    // The same upload again: the stored track, shown through this server's head.
    expect((await classify(world.fake, where, upload)).answer.embeds[0]?.footer?.text).toMatch(/genres tuned by this server's corrections/);
    expect((await command(world.fake, where, 'library', ['stats'])).embeds[0]?.footer?.text).toMatch(/genres tuned by this server's corrections/);
    expect((await command(world.fake, where, 'library', ['list'])).embeds[0]?.footer?.text).toMatch(/genres tuned by this server's corrections/);
    // The other server has no corrections: base genres, no marker.
    expect((await command(world.fake, at(world.fake, 1, 'carol'), 'library', ['list'])).embeds[0]?.footer?.text).not.toMatch(/tuned/);
  }, 90_000);
});
