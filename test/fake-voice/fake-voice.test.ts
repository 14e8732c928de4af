import { createReadStream } from 'node:fs';
import tls from 'node:tls';
import { join } from 'node:path';
import {
  AudioPlayerStatus,
  createAudioPlayer,
  createAudioResource,
  entersState,
  joinVoiceChannel,
  StreamType,
  VoiceConnectionStatus,
  type AudioPlayer,
  type VoiceConnection,
} from '@discordjs/voice';
import { Client, Events, GatewayIntentBits } from 'discord.js';
import { VoiceEncryptionMode } from 'discord-api-types/voice/v8';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { WebSocket } from 'ws';
import { FakeDiscord } from '../fake-discord/index.js';
import { GTZAN_DIR } from '../gtzan.js';
import { alignWithSource, analyseArrival, audioFrames, compareWithSource, decodeWithFfmpeg, FakeVoiceServer, GAP_LIMIT_MS, makeOggOpus, oggOpusPackets, scratchDir, SILENCE_FRAME, type Scratch } from './index.js';

const CLIP = join(GTZAN_DIR, 'audio/full/jazz/jazz.00010.flac');
/** Seconds of the clip the short file holds, and the longer one for drops. */
const SHORT_S = 3;
const LONG_S = 6;

let voice: FakeVoiceServer;
let fake: FakeDiscord;
let client: Client;
let scratch: Scratch;
let shortOgg: string;
let longOgg: string;
let connection: VoiceConnection | undefined;

beforeAll(async () => {
  scratch = scratchDir();
  [shortOgg, longOgg] = await Promise.all([
    makeOggOpus(CLIP, join(scratch.dir, 'short.ogg'), { durationS: SHORT_S }),
    makeOggOpus(CLIP, join(scratch.dir, 'long.ogg'), { durationS: LONG_S }),
  ]);
  voice = await FakeVoiceServer.start({ heartbeatIntervalMs: 1000 });
  voice.trustInThisProcess();
  fake = await FakeDiscord.start({ voiceServer: voice });
  client = new Client({ intents: [GatewayIntentBits.Guilds, GatewayIntentBits.GuildVoiceStates], rest: { api: fake.restUrl, retries: 0 } });
  const ready = new Promise((resolve) => client.once(Events.ClientReady, resolve));
  await client.login(fake.token);
  await ready;
});

afterEach(() => {
  connection?.destroy();
  connection = undefined;
});

afterAll(async () => {
  await client?.destroy();
  await fake?.stop();
  await voice?.stop();
  scratch?.remove();
});

/** Joins the first guild's voice channel and waits for the connection to be ready. */
async function join0(): Promise<{ guildId: string; connection: VoiceConnection }> {
  const { id: guildId, voiceId } = fake.defaults.guilds[0];
  const guild = await client.guilds.fetch(guildId);
  connection = joinVoiceChannel({ guildId, channelId: voiceId, adapterCreator: guild.voiceAdapterCreator });
  await entersState(connection, VoiceConnectionStatus.Ready, 10_000);
  return { guildId, connection };
}

/** Plays an Ogg/Opus file as is (no re-encoding) and resolves with the player once it starts. */
async function play(conn: VoiceConnection, path: string): Promise<AudioPlayer> {
  const player = createAudioPlayer();
  conn.subscribe(player);
  player.play(createAudioResource(createReadStream(path), { inputType: StreamType.OggOpus }));
  await entersState(player, AudioPlayerStatus.Playing, 5000);
  return player;
}

/** The packets of a guild's session, by index. */
const sessionPackets = (guildId: string, index: number) => voice.sessionsOf(guildId)[index]?.packets ?? [];

describe('fake voice server with @discordjs/voice', () => {
  it('completes the v8 handshake with DAVE off and receives every Opus frame of an Ogg/Opus file, decrypted and in order', async () => {
    const { guildId, connection: conn } = await join0();
    const [session] = voice.sessionsOf(guildId);
    expect(session).toMatchObject({ userId: fake.bot.id, mode: VoiceEncryptionMode.AeadAes256GcmRtpSize, ready: true });
    expect(session!.maxDaveProtocolVersion).toBeGreaterThanOrEqual(1);
    expect(session!.discovered).toEqual(session!.selected);
    const player = await play(conn, shortOgg);
    await entersState(player, AudioPlayerStatus.Idle, (SHORT_S + 5) * 1000);
    // The trailing silence frames follow Idle by up to 100 ms.
    await new Promise((resolve) => setTimeout(resolve, 300));

    const packets = sessionPackets(guildId, 0);
    const arrival = analyseArrival(packets);
    expect(arrival.sequenceBreaks).toEqual([]);
    expect(arrival.timestampBreaks).toEqual([]);
    expect(arrival.maxGapMs).toBeLessThan(GAP_LIMIT_MS);
    expect(audioFrames(packets)).toEqual(oggOpusPackets(shortOgg));
    // Silence only at the end (the player pads each track with up to 5 silence frames).
    expect(arrival.silenceFrames).toBeGreaterThan(0);
    expect(packets.slice(-arrival.silenceFrames).every((p) => p.opus.equals(SILENCE_FRAME))).toBe(true);
    expect(session!.failures).toEqual([]);
    expect(voice.strayPackets).toEqual([]);
    // The socket's row in /proc/net/udp is found, and the kernel dropped nothing for it.
    expect(voice.udpReceiveDrops()).toBe(0);
    expect(session!.speaking[0]?.speaking).toBe(1);

    // The file was made by ffmpeg's mono-to-stereo upmix (-3 dB per channel), so the source is decoded the same way.
    const audio = compareWithSource(packets, await decodeWithFfmpeg(CLIP, { durationS: SHORT_S }));
    expect(Math.abs(audio.arrivedS - audio.sourceS)).toBeLessThan(0.03);
    expect(Math.abs(audio.arrivedRmsDb - audio.sourceRmsDb)).toBeLessThan(0.5);
  });

  it('after a resumable drop (4015) the client RESUMEs the same session and the frames go on where they stopped', async () => {
    const { guildId, connection: conn } = await join0();
    const before = voice.sessionsOf(guildId).length - 1;
    const player = await play(conn, longOgg);
    await voice.waitFor(() => sessionPackets(guildId, before).length >= 50, 5000, '1 s of audio');
    const dropped = await voice.dropConnection(guildId, { resumable: true });
    await entersState(player, AudioPlayerStatus.Idle, (LONG_S + 10) * 1000);

    expect(voice.sessionsOf(guildId)).toHaveLength(before + 1);
    expect(dropped).toMatchObject({ resumes: 1, closes: [{ code: 4015, by: 'server' }], ready: true });
    const packets = sessionPackets(guildId, before);
    const arrival = analyseArrival(packets);
    expect(arrival.sequenceBreaks).toEqual([]);
    expect(arrival.timestampBreaks).toEqual([]);
    expect(dropped.failures).toEqual([]);
    // A resume is quick: at most the frame prepared while the socket was down is lost.
    const aligned = alignWithSource(audioFrames(packets), oggOpusPackets(longOgg));
    expect(aligned).toMatchObject({ unmatched: 0, missingAtEnd: 0 });
    expect(aligned.lost).toBeLessThanOrEqual(2);
  });

  it('after a non-resumable drop (4006) the client asks the gateway again, IDENTIFYs a new session and playback continues', async () => {
    const { guildId, connection: conn } = await join0();
    const before = voice.sessionsOf(guildId).length - 1;
    const player = await play(conn, longOgg);
    await voice.waitFor(() => sessionPackets(guildId, before).length >= 50, 5000, '1 s of audio');
    const dropped = await voice.dropConnection(guildId, { resumable: false });
    await entersState(player, AudioPlayerStatus.Idle, (LONG_S + 10) * 1000);

    const sessions = voice.sessionsOf(guildId);
    expect(sessions).toHaveLength(before + 2);
    expect(dropped).toMatchObject({ resumes: 0, closes: [{ code: 4006, by: 'server' }], resumable: false, ready: false });
    const second = sessions[before + 1]!;
    expect(second.ssrc).not.toBe(dropped.ssrc);
    for (const session of [dropped, second]) {
      const arrival = analyseArrival(session.packets);
      expect(arrival.sequenceBreaks).toEqual([]);
      expect(arrival.timestampBreaks).toEqual([]);
      expect(session.failures).toEqual([]);
    }
    // The player pauses while no connection is ready, so the track goes on where it stopped
    // (the frame prepared for the dead socket is lost).
    const aligned = alignWithSource([...audioFrames(dropped.packets), ...audioFrames(second.packets)], oggOpusPackets(longOgg));
    expect(aligned).toMatchObject({ unmatched: 0, missingAtEnd: 0 });
    expect(aligned.lost).toBeLessThanOrEqual(2);
    expect(second.packets.length).toBeGreaterThan(50);
  });

  it('closes the session with 4014 when the bot is moved out of voice, as Discord does', async () => {
    const { guildId, connection: conn } = await join0();
    const disconnected = entersState(conn, VoiceConnectionStatus.Disconnected, 5000);
    fake.setVoiceState(guildId, fake.bot.id, null);
    await disconnected;
    expect(voice.sessionsOf(guildId).at(-1)!.closes).toEqual([{ code: 4014, by: 'server' }]);
  });

  it('refuses an IDENTIFY that no VOICE_SERVER_UPDATE granted (4004) and gateway versions other than 8 (4020)', async () => {
    const { id: guildId } = fake.defaults.guilds[1];
    const identify = new WebSocket(`wss://${voice.endpoint}?v=8`);
    identify.on('open', () => identify.send(JSON.stringify({ op: 0, d: { server_id: guildId, user_id: fake.bot.id, session_id: 'made-up', token: 'made-up', max_dave_protocol_version: 0 } })));
    const oldVersion = new WebSocket(`wss://${voice.endpoint}?v=4`);
    const [identifyCode, versionCode] = await Promise.all([identify, oldVersion].map((ws) => new Promise<number>((resolve) => ws.once('close', resolve))));
    expect([identifyCode, versionCode]).toEqual([4004, 4020]);
    expect(voice.rejected.map((r) => r.code).sort()).toEqual([4004, 4020]);
    expect(voice.sessionsOf(guildId)).toEqual([]);
  });

  it('serves a certificate that only the added CA makes trusted', async () => {
    const [host, port] = voice.endpoint.split(':');
    const error = await new Promise<Error>((resolve) => {
      const socket = tls.connect({ host, port: Number(port), ca: [...tls.rootCertificates] }, () => resolve(new Error('connected')));
      socket.once('error', resolve);
    });
    expect(error.message).toMatch(/self.signed/);
  });
});
