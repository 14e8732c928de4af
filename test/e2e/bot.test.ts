import { InteractionResponseType, MessageFlags } from 'discord-api-types/v10';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ChildRun } from './harness.js';
import { World, excerpt } from './harness.js';
import { ANSWER_MS, at, classify, command, isTrackMessage, libraryCount, pngSize, text } from './members.js';

/**
 * One bot process (with its in-process worker) shared by the scenarios below, in order: what
 * members see through the fake Discord, and what the bot keeps, read back with commands.
 */
let world: World;
let bot: ChildRun;

beforeAll(async () => {
  world = await World.start();
  bot = await world.startBot();
}, 90_000);

afterAll(async () => {
  await world?.stop();
});

const JAZZ = { filename: 'jazz.00010.flac', data: excerpt('jazz', 10), contentType: 'audio/flac' };

describe('the bot against the fake Discord', () => {
  let trackMessageId = '';
  let trackId = '';

  it('answers /classify at once, then with an embed, a spectrogram PNG, a correction menu and 👍/👎; the track joins the library', async () => {
    const where = at(world.fake, 0, 'bob');
    const run = world.fake.runSlashCommand({ ...where, name: 'classify', options: { file: JAZZ } });
    expect((await run.acknowledged(1000)).type).toBe(InteractionResponseType.DeferredChannelMessageWithSource);
    const answer = await run.response(isTrackMessage, ANSWER_MS);
    trackMessageId = answer.id;
    const embed = answer.embeds[0]!;
    expect(embed.title).toBe('jazz.00010');
    expect(embed.description).toMatch(/\*\*(blues|classical|country|disco|hiphop|jazz|metal|pop|reggae|rock)\*\* \(\d+\.\d%\)/);
    expect(embed.description).toContain('█');
    expect(embed.fields?.map((f) => f.name)).toEqual(['Timeline', 'Tempo', 'Duration', 'Shared by']);
    expect(embed.fields?.[1]?.value).toMatch(/^\d+ BPM$/);
    expect(embed.fields?.[2]?.value).toMatch(/^0:0[23]$/);
    expect(embed.image?.url).toBe(answer.attachments[0]?.url);
    const [file] = run.files();
    expect(file?.attachment.filename).toBe('spectrogram.png');
    expect(pngSize(file!.data).width).toBeGreaterThan(100);
    const select = (answer.components?.[0] as { components: { custom_id: string; options: unknown[] }[] }).components[0]!;
    expect(select.options).toHaveLength(10);
    trackId = select.custom_id.split(':')[1]!;
    expect(answer.reactions?.map((r) => [r.emoji.name, r.me])).toEqual([['👍', true], ['👎', true]]);
    const list = await command(world.fake, where, 'library', ['list']);
    expect(text(list)).toContain('jazz.00010');
    expect(text(list)).toContain(trackId.slice(0, 8));
  });

  it('answers a repeat upload from the library, with the picture again', async () => {
    const { run, answer } = await classify(world.fake, at(world.fake, 0, 'carol'), JAZZ);
    expect(text(answer)).toContain('Already in this server\'s library');
    expect(pngSize(run.files()[0]!.data).width).toBeGreaterThan(100);
    expect(await libraryCount(world.fake, at(world.fake, 0, 'carol'))).toBe(1);
  });

  it('records 👍/👎 as one vote per member and message, and forgets a removed one', async () => {
    const { channelId } = at(world.fake, 0, 'carol');
    const carol = world.fake.defaults.users.carol;
    const votes = (): number => bot.lines.filter((l) => l.msg === 'vote recorded').length;
    const before = votes();
    world.fake.react(carol, channelId, trackMessageId, '👍');
    await bot.waitForLog('vote recorded', 10_000, () => votes() > before);
    expect(text(await command(world.fake, at(world.fake, 0, 'carol'), 'profile'))).toMatch(/Likes\n1\nDislikes\n0/);
    world.fake.react(carol, channelId, trackMessageId, '🔥');
    world.fake.unreact(carol, channelId, trackMessageId, '👍');
    await bot.waitForLog('vote recorded', 10_000, () => votes() > before + 1);
    expect(text(await command(world.fake, at(world.fake, 0, 'carol'), 'profile'))).toMatch(/Likes\n0\nDislikes\n0/);
    world.fake.react(carol, channelId, trackMessageId, '👎');
    await bot.waitForLog('vote recorded', 10_000, () => votes() > before + 2);
    const profile = text(await command(world.fake, at(world.fake, 0, 'carol'), 'profile'));
    expect(profile).toMatch(/Likes\n0\nDislikes\n1/);
  });

  it('keeps a genre correction from the menu as a labelled example', async () => {
    const where = at(world.fake, 0, 'carol');
    const pick = world.fake.clickSelect({ ...where, messageId: trackMessageId, customId: `genre:${trackId}`, values: ['rock'] });
    const reply = await pick.response(undefined, 10_000);
    expect(reply.content).toContain('**rock**');
    expect((reply.flags ?? 0) & MessageFlags.Ephemeral).toBeTruthy();
    expect(text(await command(world.fake, where, 'profile'))).toMatch(/Genre corrections\n1/);
    expect(text(await command(world.fake, where, 'library', ['stats']))).toContain('**rock**: 1');
  });

  it('gives a clear reply for non-audio, corrupt and oversized files and leaves the library as it was', async () => {
    const where = at(world.fake, 0, 'carol');
    const notes = world.fake.runSlashCommand({ ...where, name: 'classify', options: { file: { filename: 'notes.txt', data: Buffer.from('not music'), contentType: 'text/plain' } } });
    expect((await notes.response()).content).toMatch(/doesn't look like audio/);
    const disguised = await classify(world.fake, where, { filename: 'song.mp3', data: Buffer.from('just some text, not audio at all\n'.repeat(200)), contentType: 'audio/mpeg' });
    expect(disguised.answer.content).toMatch(/^❌ I could not analyse \*\*song\.mp3\*\*: That file doesn't look like audio/);
    const garbled = Buffer.from(JAZZ.data);
    for (let i = 200; i < garbled.length; i += 7) garbled[i] = (garbled[i]! * 31 + 17) % 256;
    const corrupt = await classify(world.fake, where, { filename: 'broken.flac', data: garbled, contentType: 'audio/flac' });
    expect(corrupt.answer.content).toMatch(/^❌ I could not analyse \*\*broken\.flac\*\*: That audio file seems to be damaged/);
    const big = world.fake.runSlashCommand({ ...where, name: 'classify', options: { file: { filename: 'huge.mp3', data: Buffer.alloc(3 * 1024 * 1024, 1), contentType: 'audio/mpeg' } } });
    expect((await big.response()).content).toMatch(/too large \(3\.0 MB\); the limit is 2\.0 MB/);
    expect(await libraryCount(world.fake, where)).toBe(1);
    expect(text(await command(world.fake, where, 'library', ['search'], { query: 'jazz' }))).toContain('jazz.00010');
  });

  it('keeps two servers apart: libraries, votes and corrections', async () => {
    const other = at(world.fake, 1, 'carol');
    expect(await libraryCount(world.fake, other)).toBe(0);
    expect(text(await command(world.fake, other, 'profile'))).toMatch(/Likes\n0\nDislikes\n0\nGenre corrections\n0/);
    const { answer } = await classify(world.fake, other, JAZZ);
    expect(text(answer)).not.toContain('Already in');
    expect(text(answer)).not.toContain('corrected by a member');
    expect(await libraryCount(world.fake, other)).toBe(1);
    expect(await libraryCount(world.fake, at(world.fake, 0, 'carol'))).toBe(1);
  });

  it('refuses /library remove to a member without Manage Server and lets an admin remove', async () => {
    const refused = await command(world.fake, at(world.fake, 0, 'carol'), 'library', ['remove'], { track: trackId.slice(0, 8) });
    expect(refused.content).toMatch(/Manage Server/);
    const bobElsewhere = await command(world.fake, at(world.fake, 1, 'bob'), 'library', ['remove'], { track: trackId });
    expect(bobElsewhere.content).toMatch(/Manage Server/);
    expect(await libraryCount(world.fake, at(world.fake, 0, 'carol'))).toBe(1);
    expect(() => world.fake.runSlashCommand({ ...at(world.fake, 0, 'carol'), name: 'settings', subcommand: ['show'] })).toThrow(/lacks permissions/);
    const removed = await command(world.fake, at(world.fake, 1, 'alice'), 'library', ['remove'], { track: trackId.slice(0, 8) });
    expect(removed.content).toMatch(/Removed \*\*jazz\.00010\*\*/);
    expect(await libraryCount(world.fake, at(world.fake, 1, 'alice'))).toBe(0);
    expect(await libraryCount(world.fake, at(world.fake, 0, 'bob'))).toBe(1);
  });

  it('classifies every audio attachment of a message from the "Classify audio" menu, one answer each', async () => {
    const where = at(world.fake, 0, 'alice');
    const post = world.fake.postMessage({ channelId: where.channelId, userId: world.fake.defaults.users.bob, content: 'two for you', attachments: [
      { filename: 'classical.flac', data: excerpt('classical', 10), contentType: 'audio/flac' },
      { filename: 'cover.png', data: Buffer.from('not a picture'), contentType: 'image/png' },
      { filename: 'disco.flac', data: excerpt('disco', 10), contentType: 'audio/flac' },
    ] });
    const run = world.fake.runMessageCommand({ ...where, name: 'Classify audio', messageId: post.id });
    expect((await run.acknowledged(1000)).type).toBe(InteractionResponseType.DeferredChannelMessageWithSource);
    const answer = await run.response(isTrackMessage, ANSWER_MS);
    const followup = await world.fake.waitFor(() => run.followups().find(isTrackMessage), ANSWER_MS, 'the second track');
    expect([answer.embeds[0]?.title, followup.embeds[0]?.title].sort()).toEqual(['classical', 'disco']);
    expect(text(answer)).toContain(`<@${world.fake.defaults.users.bob}>`);
    expect(await libraryCount(world.fake, where)).toBe(3);
  });

  it('classifies audio on arrival in a channel an admin turned on', async () => {
    const where = at(world.fake, 0, 'carol');
    expect(() => world.fake.runSlashCommand({ ...where, name: 'settings', subcommand: ['auto-classify'], options: { channel: where.channelId, enabled: true } })).toThrow(/lacks permissions/);
    const on = await command(world.fake, at(world.fake, 0, 'bob'), 'settings', ['auto-classify'], { channel: where.channelId, enabled: true });
    expect(on.content).toContain(`<#${where.channelId}>`);
    world.fake.postMessage({ channelId: where.channelId, userId: where.userId, attachments: [{ filename: 'hiphop.flac', data: excerpt('hiphop', 10), contentType: 'audio/flac' }] });
    const reply = await world.fake.waitFor(() => world.fake.messagesIn(where.channelId).find((m) => m.author.id === world.fake.bot.id && isTrackMessage(m) && m.embeds[0]?.title === 'hiphop'), ANSWER_MS, 'the auto-classify answer');
    expect(reply.embeds[0]?.title).toBe('hiphop');
    expect(reply.attachments[0]?.filename).toBe('spectrogram.png');
    expect(await libraryCount(world.fake, where)).toBe(4);
    const off = await command(world.fake, at(world.fake, 0, 'alice'), 'settings', ['auto-classify'], { channel: where.channelId, enabled: false });
    expect(off.content).toMatch(/no longer/);
    expect((await command(world.fake, at(world.fake, 0, 'alice'), 'settings', ['show'])).content).toBe('⚙️ Auto-classify channels: none\n🎧 DJ role: none (everyone controls playback)');
  });

  it('imports every audio attachment of a channel\'s history for an admin only, once per file', async () => {
    const where = at(world.fake, 1, 'alice');
    const bob = world.fake.defaults.users.bob;
    const metal = { filename: 'metal.flac', data: excerpt('metal', 10), contentType: 'audio/flac' };
    world.fake.postMessage({ channelId: where.channelId, userId: bob, attachments: [metal, { filename: 'pop.flac', data: excerpt('pop', 10), contentType: 'audio/flac' }] });
    world.fake.postMessage({ channelId: where.channelId, userId: bob, content: 'no audio here' });
    world.fake.postMessage({ channelId: where.channelId, userId: bob, content: 'again', attachments: [metal] });
    const refused = await command(world.fake, at(world.fake, 1, 'bob'), 'library', ['import'], { channel: where.channelId });
    expect(refused.content).toMatch(/Manage Server/);
    const run = world.fake.runSlashCommand({ ...where, name: 'library', subcommand: ['import'], options: { channel: where.channelId } });
    const summary = await run.response((m) => m.content.includes('finished'), ANSWER_MS);
    expect(summary.content).toMatch(/\*\*2\*\* new tracks added, 1 already in the library/);
    expect(text(await command(world.fake, where, 'library', ['list']))).toMatch(/metal[\s\S]*pop|pop[\s\S]*metal/);
    expect(await libraryCount(world.fake, where)).toBe(2);
  });

  it('forgets a member\'s votes and corrections on /forget-me', async () => {
    const where = at(world.fake, 0, 'carol');
    expect((await command(world.fake, where, 'forget-me')).content).toMatch(/deleted 1 vote and 1 genre correction/);
    expect(text(await command(world.fake, where, 'profile'))).toMatch(/Likes\n0\nDislikes\n0\nGenre corrections\n0/);
  });

  it('never writes the bot token or interaction tokens to its logs', () => {
    const output = world.allOutput();
    expect(output).toContain('commands registered');
    expect(output).not.toContain(world.fake.token);
    expect(output).not.toMatch(/aW50ZXJhY3Rpb24/);
    expect(world.fake.unhandled).toEqual([]);
  });
});
