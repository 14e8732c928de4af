import { readdir } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openStores } from '../../src/store/index.js';
import { AUDIO_DIR } from '../../src/store/open.js';
import type { ChildRun } from './harness.js';
import { World, excerpt, fullClip } from './harness.js';
import { ANSWER_MS, at, classify, command, isFailure, isTrackMessage, text } from './members.js';

/**
 * The bot process is killed with SIGKILL (with its in-process worker) in the middle of a
 * classification and started again: the answer still comes, reactions on messages from before
 * the restart are recorded, and the SQLite store holds everything once the bot has stopped.
 */
let world: World;

beforeAll(async () => {
  world = await World.start();
}, 30_000);

afterAll(async () => {
  await world?.stop();
});

/** A damaged copy of an audio file: its frames garbled after the header. */
function garble(data: Buffer): Buffer {
  const out = Buffer.from(data);
  for (let i = 200; i < out.length; i += 7) out[i] = (out[i]! * 31 + 17) % 256;
  return out;
}

/** While the bot is down: marks the pending request of interaction `id` as past its 15 minutes. */
async function expireToken(id: string): Promise<void> {
  const stores = await openStores(world.dataDir);
  try {
    const request = (await stores.pending.list()).find((r) => r.id === `i:${id}:0`);
    if (!request?.interaction) throw new Error(`no pending request for interaction ${id}`);
    await stores.pending.put({ ...request, interaction: { ...request.interaction, expiresAt: new Date(Date.now() - 1000).toISOString() } });
  } finally {
    await stores.close();
  }
}

/** Waits until the server's folder of audio copies holds `count` copies and no copy is still expected. */
async function copiesSettled(guildId: string, count: number, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const names = await readdir(join(world.dataDir, AUDIO_DIR, guildId)).catch(() => [] as string[]);
    if (names.filter((n) => n.endsWith('.ogg')).length === count && !names.some((n) => n.endsWith('.wanted'))) return;
    if (Date.now() > deadline) throw new Error(`audio copies of ${guildId}: ${names.join(', ')}`);
    await new Promise((done) => setTimeout(done, 200));
  }
}

const votes = (bot: ChildRun): number => bot.lines.filter((l) => l.msg === 'vote recorded').length;

describe('a bot killed and restarted', () => {
  it('loses no track, no pending answer and no reaction', async () => {
    const fake = world.fake;
    const where = at(fake, 0, 'bob');
    const { carol, alice, bob } = fake.defaults.users;
    let bot = await world.startBot();
    const first = await classify(fake, where, { filename: 'blues.flac', data: excerpt('blues', 10), contentType: 'audio/flac' });
    expect(isTrackMessage(first.answer)).toBe(true);
    fake.react(carol, where.channelId, first.answer.id, '👍');
    await bot.waitForLog('vote recorded', 10_000);

    // Killed between the deferrals and the answers: three requests pending, their jobs queued.
    const mark = bot.mark();
    const enqueued = (): number => bot.lines.slice(mark).filter((l) => l.msg === 'classify job enqueued').length;
    const run = fake.runSlashCommand({ ...where, name: 'classify', options: { file: { filename: 'country.flac', data: fullClip('country', 10), contentType: 'audio/flac' } } });
    const broken = fake.runSlashCommand({ ...where, name: 'classify', options: { file: { filename: 'broken.flac', data: garble(excerpt('pop', 10)), contentType: 'audio/flac' } } });
    const late = fake.runSlashCommand({ ...where, name: 'classify', options: { file: { filename: 'reggae.flac', data: excerpt('reggae', 10), contentType: 'audio/flac' } } });
    await bot.waitForLog('classify job enqueued', 20_000, () => enqueued() === 3, mark);
    await bot.kill('SIGKILL');
    expect(run.original()?.embeds ?? []).toHaveLength(0);
    await expireToken(late.id);
    // Discord does not replay reactions made while the bot is down: the bot reads them back.
    fake.react(bob, where.channelId, first.answer.id, '👎');

    bot = await world.startBot();
    const reconciled = await bot.waitForLog('reactions reconciled', 30_000);
    expect(reconciled).toMatchObject({ added: 1, removed: 0 });
    expect(text(await command(fake, at(fake, 0, 'bob'), 'profile'))).toMatch(/Likes\n0\nDislikes\n1/);
    const second = await run.response(isTrackMessage, ANSWER_MS);
    expect(second.embeds[0]?.title).toBe('country');
    expect(run.files()[0]?.attachment.filename).toBe('spectrogram.png');
    expect((await broken.response(isFailure, ANSWER_MS)).content).toMatch(/broken\.flac\*\*: That audio file seems to be damaged/);
    // The reggae request's interaction token expired meanwhile: the answer goes to the channel.
    const inChannel = await fake.waitFor(() => fake.messagesIn(where.channelId).find((m) => isTrackMessage(m) && m.embeds[0]?.title === 'reggae'), ANSWER_MS, 'the answer in the channel');
    expect(inChannel.interaction_metadata).toBeFalsy();

    // Reactions on a message the new process never saw arrive as partials.
    const before = votes(bot);
    fake.unreact(carol, where.channelId, first.answer.id, '👍');
    fake.react(alice, where.channelId, first.answer.id, '👎');
    fake.react(carol, where.channelId, second.id, '👍');
    await bot.waitForLog('vote recorded', 10_000, () => votes(bot) >= before + 3);
    expect(text(await command(fake, at(fake, 0, 'carol'), 'profile'))).toMatch(/Likes\n1\nDislikes\n0/);
    expect(text(await command(fake, at(fake, 0, 'alice'), 'library', ['list']))).toMatch(/3 tracks/);

    // The playback copies are made apart from the answers (copies expected before the kill are resumed).
    await copiesSettled(where.guildId, 3, ANSWER_MS);
    // A clean stop (SIGTERM), then what is on disk.
    expect(await bot.kill('SIGTERM')).toBe(0);
    const stores = await openStores(world.dataDir);
    try {
      const library = await stores.tracks.list(where.guildId);
      expect(library.items.map((t) => t.title).sort()).toEqual(['blues', 'country', 'reggae']);
      expect(await stores.pending.list()).toEqual([]);
      const feedback = await stores.feedback.listByGuild(where.guildId);
      expect(feedback.map((f) => [f.userId, f.value, f.messageId]).sort()).toEqual([
        [alice, -1, first.answer.id], [bob, -1, first.answer.id], [carol, 1, second.id],
      ].sort());
      for (const track of library.items) {
        expect(await stores.audio.size(where.guildId, track.id)).toBeGreaterThan(1000);
        expect(track.audioBytes).toBe(await stores.audio.size(where.guildId, track.id));
        expect((await stores.audio.info(where.guildId, track.id))?.loudness.targetLufs).toBe(-16);
      }
    } finally {
      await stores.close();
    }
  }, 180_000);
});
