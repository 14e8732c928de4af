import { execFileSync } from 'node:child_process';
import { chmodSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import type { APIMessage } from 'discord-api-types/v10';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openStores } from '../../src/store/index.js';
import { analyseArrival, FakeVoiceServer, SILENCE_FRAME } from '../fake-voice/index.js';
import { World, excerpt, fullClip } from './harness.js';
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
let slowFfmpegDir: string;
const tracks: string[] = [];

/**
 * How late the bot's ffmpeg starts when it is asked to seek (only a volume switch does), in s:
 * what 10 switches at once cost on one busy core (the voice bench saw 1.5-3.3 s), made certain.
 */
const SLOW_SEEK_START_S = 2;
/**
 * The largest gap between packets allowed around a volume switch, in ms. Packets go out every
 * 20 ms; the busiest machine the voice bench ran on (load 10-18 on 2 cores) saw gaps up to
 * 169 ms with nothing switching. A switch that waits for the new ffmpeg leaves a gap of at
 * least {@link SLOW_SEEK_START_S}, four times this.
 */
const MAX_SWITCH_GAP_MS = 500;

/** A directory whose `ffmpeg` runs the real one, {@link SLOW_SEEK_START_S} late when given `-ss`. */
function slowSeekFfmpeg(): string {
  const real = execFileSync('sh', ['-c', 'command -v ffmpeg'], { encoding: 'utf8' }).trim();
  const dir = mkdtempSync(join(tmpdir(), 'cratedigger-slow-ffmpeg-'));
  writeFileSync(join(dir, 'ffmpeg'), `#!/bin/sh\ncase " $* " in *" -ss "*) sleep ${SLOW_SEEK_START_S} ;; esac\nexec '${real}' "$@"\n`);
  chmodSync(join(dir, 'ffmpeg'), 0o755);
  return dir;
}

beforeAll(async () => {
  voice = await FakeVoiceServer.start({ heartbeatIntervalMs: 1000 });
  world = await World.start({ voiceServer: voice });
  slowFfmpegDir = slowSeekFfmpeg();
  bot = await world.startBot({ ...voice.childEnv(), VOICE_IDLE_TIMEOUT_S: '60', VOICE_EMPTY_TIMEOUT_S: '1', PATH: `${slowFfmpegDir}:${process.env.PATH ?? ''}` });
  const where = at(world.fake, 0, 'alice');
  // Three short excerpts, and a whole 30 s clip to switch the volume of mid-track.
  for (const [filename, data] of [['jazz10.flac', excerpt('jazz', 10)], ['blues10.flac', excerpt('blues', 10)], ['jazz13.flac', excerpt('jazz', 13)], ['jazz10-full.flac', fullClip('jazz', 10)]] as const) {
    const { answer } = await classify(world.fake, where, { filename, data, contentType: 'audio/flac' });
    const id = /id ([0-9a-f]{12})/.exec(text(answer))?.[1];
    if (!id) throw new Error(`no track id in ${text(answer)}`);
    tracks.push(id);
  }
}, 180_000);

afterAll(async () => {
  await world?.stop();
  await voice?.stop();
  if (slowFfmpegDir) rmSync(slowFfmpegDir, { recursive: true, force: true });
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

  it('switches the volume mid-track without a gap, keeps a pause made while the switch is pending, and ends at the last of two quick changes', async () => {
    const fake = world.fake;
    const g = fake.defaults.guilds[0];
    const { alice } = fake.defaults.users;
    const aliceAt = at(fake, 0, 'alice');
    const fullTrack = tracks[3]!;
    fake.setVoiceState(g.id, alice, g.voiceId);
    const mark = bot.mark();
    const playMs = performance.now();
    expect(text(await command(fake, aliceAt, 'play', undefined, { track: fullTrack }))).toMatch(/Playing/);
    // The fake voice server offers no DAVE: the connection says so, and has no privacy code.
    const connected = await bot.waitForLog('voice connected', 15_000, () => true, mark);
    expect(connected).toMatchObject({ guildId: g.id, daveActive: false, daveProtocolVersion: 0 });
    expect(connected.voicePrivacyCode).toBeUndefined();
    await bot.waitForLog('track started', 60_000, (l) => String(l.trackId).startsWith(fullTrack), mark);
    const audible = (sinceMs: number): number => voice.packets(g.id).filter((p) => p.arrivalMs >= sinceMs && !p.opus.equals(SILENCE_FRAME)).length;
    await voice.waitFor(() => audible(playMs) >= 50, 15_000, 'a second of the track');

    // The new ffmpeg starts late; the old stream plays on until the new one has caught up.
    const sentMs = performance.now();
    const switchMark = bot.mark();
    expect(text(await command(fake, aliceAt, 'volume', undefined, { percent: 60 }))).toMatch(/Volume 60%/);
    const repliedMs = performance.now();
    await bot.waitForLog('stream plan', 1000, (l) => (l.plan as { volume?: number } | undefined)?.volume !== undefined, switchMark);
    await voice.waitFor(() => audible(repliedMs) >= 50, 15_000, 'a second of audio at 60 %');
    const around = analyseArrival(voice.packets(g.id).filter((p) => p.arrivalMs >= sentMs - 500));
    expect(around.packets).toBeGreaterThan((repliedMs - sentMs) / 20);
    expect(around.maxGapMs, 'largest gap between packets around the switch, in ms').toBeLessThan(MAX_SWITCH_GAP_MS);
    expect(around.silenceFrames).toBe(0);
    const applied = await bot.waitForLog('volume applied', 1000, () => true, switchMark);
    expect(applied).toMatchObject({ volumePercent: 60 });
    expect(applied.readyMs).toBeGreaterThanOrEqual(SLOW_SEEK_START_S * 1000 - 100);
    // The new stream started where the old one was at /volume and skipped what played meanwhile.
    expect(applied.droppedPackets).toBeGreaterThanOrEqual((SLOW_SEEK_START_S * 1000) / 20 - 5);

    // /pause while a switch is pending: the switch lands, and the player stays paused until /resume.
    const pendingMark = bot.mark();
    const turnedDown = command(fake, aliceAt, 'volume', undefined, { percent: 70 });
    await bot.waitForLog('stream plan', 5000, () => true, pendingMark);
    expect(text(await command(fake, aliceAt, 'pause'))).toMatch(/Paused/);
    const pausedMs = performance.now();
    expect(text(await turnedDown)).toMatch(/Volume 70%/);
    await bot.waitForLog('volume applied', 5000, (l) => l.volumePercent === 70, pendingMark);
    await new Promise((wake) => setTimeout(wake, 500));
    // Frames already on their way when /pause was answered may still arrive: at most a tick's worth.
    expect(audible(pausedMs + 100)).toBe(0);
    expect(text(await command(fake, aliceAt, 'nowplaying'))).toMatch(/^⏸️.*🔊 70%/);
    expect(text(await command(fake, aliceAt, 'resume'))).toMatch(/Resumed/);
    const resumedMs = performance.now();
    await voice.waitFor(() => audible(resumedMs) >= 25, 10_000, 'audio after /resume');

    // Two quick changes: the first gives way to the second, which alone is applied.
    const quickMark = bot.mark();
    const first = command(fake, aliceAt, 'volume', undefined, { percent: 30 });
    await bot.waitForLog('stream plan', 5000, () => true, quickMark);
    expect(text(await command(fake, aliceAt, 'volume', undefined, { percent: 90 }))).toMatch(/Volume 90%/);
    expect(text(await first)).toMatch(/Volume 30% was replaced by a newer change: it is 90%/);
    const appliedAfter = bot.lines.slice(quickMark).filter((l) => l.msg === 'volume applied');
    expect(appliedAfter.map((l) => l.volumePercent)).toEqual([90]);
    expect(bot.lines.slice(mark).filter((l) => l.msg === 'volume change not applied to the current track')).toEqual([]);
    expect(text(await command(fake, aliceAt, 'nowplaying'))).toMatch(/^🎶.*🔊 90%/);

    // Neither a repeat nor a skip at the three switches: the 30 s track arrives as 30 s of audio
    // (1500 packets of 20 ms; the copy's last one and each switch's rounding may add or take
    // one). A switch that swapped without dropping what played while ffmpeg started would repeat
    // SLOW_SEEK_START_S, 100 packets or more.
    await bot.waitForLog('playback feedback recorded', 40_000, (l) => l.source === 'listen', quickMark);
    expect(Math.abs(audible(playMs) - 1500), 'packets of the track minus 1500').toBeLessThanOrEqual(10);
    expect(text(await command(fake, aliceAt, 'stop'))).toMatch(/Stopped/);
  }, 120_000);
});
