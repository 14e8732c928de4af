import type { APIMessage } from 'discord-api-types/v10';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openStores } from '../../src/store/index.js';
import { FakeVoiceServer } from '../fake-voice/index.js';
import { World, excerpt } from './harness.js';
import type { ChildRun } from './harness.js';
import { at, classify, command, text } from './members.js';

/**
 * The player as members use it, the real bot process against the fake Discord and the fake voice
 * server: /play joins the caller's channel and streams, the now-playing message carries votes and
 * buttons, the DJ role gates /skip (others vote, a majority skips), the radio picks when the queue
 * runs out, and full listens and skips land in the feedback store as weak signals.
 */
let world: World;
let voice: FakeVoiceServer;
let bot: ChildRun;
const tracks: string[] = [];

beforeAll(async () => {
  voice = await FakeVoiceServer.start({ heartbeatIntervalMs: 1000 });
  world = await World.start({ voiceServer: voice });
  bot = await world.startBot({ ...voice.childEnv(), VOICE_IDLE_TIMEOUT_S: '60', VOICE_EMPTY_TIMEOUT_S: '1' });
  const where = at(world.fake, 0, 'alice');
  for (const [genre, n] of [['jazz', 10], ['blues', 10], ['jazz', 13]] as const) {
    const { answer } = await classify(world.fake, where, { filename: `${genre}${n}.flac`, data: excerpt(genre, n), contentType: 'audio/flac' });
    const id = /id ([0-9a-f]{12})/.exec(text(answer))?.[1];
    if (!id) throw new Error(`no track id in ${text(answer)}`);
    tracks.push(id);
  }
}, 180_000);

afterAll(async () => {
  await world?.stop();
  await voice?.stop();
});

const nowPlaying = (m: APIMessage): boolean => m.embeds[0]?.title === '🎶 Now playing' && (m.reactions?.length ?? 0) >= 2;

describe('the voice player', () => {
  it('refuses /play to a member outside voice, then joins, streams, and records votes, skips and listens', async () => {
    const fake = world.fake;
    const g = fake.defaults.guilds[0];
    const { alice, carol } = fake.defaults.users;
    const carolAt = at(fake, 0, 'carol');
    const outside = fake.runSlashCommand({ ...carolAt, name: 'play', options: { track: tracks[0]! } });
    expect(text(await outside.response(undefined, 10_000))).toMatch(/Join a voice channel first/);

    fake.setVoiceState(g.id, carol, g.voiceId);
    fake.setVoiceState(g.id, alice, g.voiceId);
    // alice (the owner) makes the DJ role (bob's) the server's DJ role.
    expect(text(await command(fake, at(fake, 0, 'alice'), 'settings', ['dj-role'], { role: g.djRoleId }))).toMatch(/Only members with/);

    expect(text(await command(fake, carolAt, 'play', undefined, { track: tracks[0]! }))).toMatch(/Playing/);
    await voice.waitFor(() => voice.packets(g.id).length >= 25, 15_000, 'half a second of audio');
    const first = await fake.waitFor(() => fake.messagesIn(g.generalId).find(nowPlaying), 10_000);
    expect(first.components?.length).toBe(1);
    fake.react(carol, g.generalId, first.id, '👍');
    await bot.waitForLog('vote recorded', 10_000);

    // Queue two more; carol (no DJ role) votes to skip: 1 of 2 is no majority; alice's vote passes it.
    await command(fake, carolAt, 'play', undefined, { track: tracks[1]! });
    await command(fake, carolAt, 'play', undefined, { track: tracks[2]! });
    expect(text(await command(fake, carolAt, 'queue'))).toMatch(/1\./);
    const mark = bot.mark();
    expect(text(await command(fake, carolAt, 'skip'))).toMatch(/Vote counted: 1\/2/);
    expect(text(await command(fake, carolAt, 'volume', undefined, { percent: 50 }))).toMatch(/Only members with/);
    expect(text(await command(fake, at(fake, 0, 'alice'), 'skip'))).toMatch(/Skipped/);
    await bot.waitForLog('track started', 10_000, () => true, mark);

    // Let the remaining tracks play out (2-3 s excerpts): full listens.
    await bot.waitForLog('playback feedback recorded', 20_000, (l) => l.source === 'listen', mark);
    const stores = await openStores(world.dataDir);
    try {
      const feedback = await stores.feedback.listByGuild(g.id);
      expect(feedback.find((f) => f.source === 'reaction' && f.userId === carol)?.weight).toBe(1);
      const listens = feedback.filter((f) => f.source === 'listen');
      expect(listens.length).toBeGreaterThanOrEqual(2);
      expect(listens.every((f) => f.value === 1 && f.weight < 1)).toBe(true);
    } finally {
      await stores.close();
    }
  }, 120_000);

  it('plays the radio when the queue runs out, recovers from a voice drop, a gateway resume and a new gateway session, and leaves an emptied channel', async () => {
    const fake = world.fake;
    const g = fake.defaults.guilds[0];
    const { alice, carol } = fake.defaults.users;
    const before = voice.packets(g.id).length;
    const mark = bot.mark();
    expect(text(await command(fake, at(fake, 0, 'carol'), 'radio', undefined, { seed: 'genre:jazz' }))).toMatch(/Radio on seeded with jazz/);
    await bot.waitForLog('track started', 15_000, (l) => l.radio === true, mark);
    await voice.waitFor(() => voice.packets(g.id).length >= before + 25, 15_000, 'radio audio');
    // The voice server drops the connection for good (4006): the player rejoins, the radio goes on.
    const sessions = voice.sessionsOf(g.id).length;
    await voice.dropConnection(g.id, { resumable: false });
    const afterDrop = voice.packets(g.id).length;
    await voice.waitFor(() => voice.sessionsOf(g.id).length > sessions && voice.packets(g.id).length >= afterDrop + 50, 20_000, 'audio on a new voice session');
    // The gateway drops: discord.js resumes, and the player keeps playing with its queue.
    fake.dropGatewayConnections();
    const afterResume = voice.packets(g.id).length;
    await voice.waitFor(() => voice.packets(g.id).length >= afterResume + 50, 20_000, 'audio after the gateway resumed');
    // A gateway session that cannot be resumed (4009): the client identifies anew; the player rejoins if it must.
    fake.dropGatewayConnections(4009);
    const afterIdentify = voice.packets(g.id).length;
    await voice.waitFor(() => voice.packets(g.id).length >= afterIdentify + 50, 30_000, 'audio after a new gateway session');
    expect(text(await command(fake, at(fake, 0, 'carol'), 'nowplaying'))).toMatch(/radio/);
    // A DJ turns it down: ffmpeg re-encodes from where the track was, and the audio goes on.
    expect(text(await command(fake, at(fake, 0, 'alice'), 'volume', undefined, { percent: 60 }))).toMatch(/Volume 60%/);
    const afterVolume = voice.packets(g.id).length;
    await voice.waitFor(() => voice.packets(g.id).length >= afterVolume + 50, 20_000, 'audio at 60 %');
    await bot.waitForLog('stream plan', 10_000, (l) => (l.plan as { mode?: string } | undefined)?.mode === 'ffmpeg', mark);
    fake.setVoiceState(g.id, carol, null);
    fake.setVoiceState(g.id, alice, null);
    await bot.waitForLog('left the voice channel', 10_000, () => true, mark);
  }, 90_000);

  it('plays an attached file once it is analysed and its copy is stored', async () => {
    const fake = world.fake;
    const g = fake.defaults.guilds[0];
    const { carol } = fake.defaults.users;
    fake.setVoiceState(g.id, carol, g.voiceId);
    const mark = bot.mark();
    const before = voice.packets(g.id).length;
    const run = fake.runSlashCommand({ ...at(fake, 0, 'carol'), name: 'play', options: { file: { filename: 'disco.flac', data: excerpt('disco', 10), contentType: 'audio/flac' } } });
    // The analysis answers as /classify does; the play notice follows once the copy is kept.
    await run.response((m) => (m.embeds[0]?.fields?.length ?? 0) > 0, 60_000);
    await fake.waitFor(() => run.followups().find((m) => /Playing/.test(m.content)), 60_000, 'the play notice');
    const started = await bot.waitForLog('track started', 60_000, () => true, mark);
    await voice.waitFor(() => voice.packets(g.id).length >= before + 25, 15_000, 'the file\'s audio');
    expect(started.trackId).toMatch(/^[0-9a-f]{64}$/);
    fake.setVoiceState(g.id, carol, null);
    await bot.waitForLog('left the voice channel', 10_000, () => true, mark);
  }, 120_000);
});
