/**
 * The streaming side of `bench/voice.ts` when it measures @discordjs/voice directly: a discord.js
 * client logged into the fake Discord that joins voice channels and plays Ogg/Opus files, driven
 * by JSON lines on stdin and answering on stdout. Run pinned to one core by the bench.
 * Env: DISCORD_API_URL, DISCORD_TOKEN, NODE_EXTRA_CA_CERTS (the fake voice server's certificate).
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { createReadStream } from 'node:fs';
import { createInterface } from 'node:readline';
import type { Readable } from 'node:stream';
import { AudioPlayerStatus, createAudioPlayer, createAudioResource, entersState, joinVoiceChannel, StreamType, VoiceConnectionStatus, type VoiceConnection } from '@discordjs/voice';
import { Client, Events, GatewayIntentBits } from 'discord.js';
import { processCpuMs } from './voice-measure.js';

/** A command from the bench. */
type Command =
  | { cmd: 'join'; guilds: { guildId: string; channelId: string }[] }
  | { cmd: 'play'; guildIds: string[]; path: string; ffmpegVolume?: number }
  | { cmd: 'leave' };

const say = (event: Record<string, unknown>): void => void process.stdout.write(`${JSON.stringify(event)}\n`);

/** The player's re-encoding path (volume through ffmpeg, Opus out at 96 kbit/s, 20 ms frames). */
function ffmpegStream(path: string, volume: number): ChildProcess {
  return spawn('ffmpeg', [
    '-nostdin', '-v', 'error', '-f', 'ogg', '-i', path, '-map', '0:a:0', '-af', `volume=${volume}`, '-ac', '2', '-ar', '48000',
    '-c:a', 'libopus', '-b:a', '96k', '-vbr', 'on', '-application', 'audio', '-frame_duration', '20', '-f', 'ogg', 'pipe:1',
  ], { stdio: ['ignore', 'pipe', 'inherit'] });
}

const client = new Client({ intents: [GatewayIntentBits.Guilds, GatewayIntentBits.GuildVoiceStates], rest: { api: process.env.DISCORD_API_URL!, retries: 0 } });
const connections = new Map<string, VoiceConnection>();

/** Joins at once (a play command that follows may already use the connections), then waits for all to be ready. */
async function join(guilds: { guildId: string; channelId: string }[]): Promise<void> {
  await Promise.all(guilds.map(({ guildId, channelId }) => {
    const guild = client.guilds.cache.get(guildId);
    if (!guild) throw new Error(`no guild ${guildId}`);
    const connection = joinVoiceChannel({ guildId, channelId, adapterCreator: guild.voiceAdapterCreator, selfDeaf: true });
    connections.set(guildId, connection);
    return entersState(connection, VoiceConnectionStatus.Ready, 20_000);
  }));
}

async function play(guildIds: string[], path: string, ffmpegVolume: number | undefined): Promise<void> {
  const before = processCpuMs('self');
  const startMs = performance.now();
  const children: Promise<void>[] = [];
  await Promise.all(guildIds.map(async (guildId) => {
    const connection = connections.get(guildId);
    if (!connection) throw new Error(`not joined in ${guildId}`);
    await entersState(connection, VoiceConnectionStatus.Ready, 20_000);
    const player = createAudioPlayer();
    connection.subscribe(player);
    let input: NodeJS.ReadableStream = createReadStream(path);
    if (ffmpegVolume !== undefined) {
      const child = ffmpegStream(path, ffmpegVolume);
      children.push(new Promise((resolve) => child.once('close', () => resolve())));
      input = child.stdout!;
    }
    player.play(createAudioResource(input as Readable, { inputType: StreamType.OggOpus }));
    await entersState(player, AudioPlayerStatus.Playing, 10_000);
    await entersState(player, AudioPlayerStatus.Idle, 10 * 60_000);
    player.stop();
  }));
  await Promise.all(children);
  const after = processCpuMs('self');
  say({ event: 'played', wallMs: performance.now() - startMs, selfMs: after.selfMs - before.selfMs, childrenMs: after.childrenMs - before.childrenMs });
}

async function handle(command: Command): Promise<void> {
  if (command.cmd === 'join') {
    await join(command.guilds);
    say({ event: 'joined' });
  } else if (command.cmd === 'play') {
    await play(command.guildIds, command.path, command.ffmpegVolume);
  } else {
    for (const connection of connections.values()) connection.destroy();
    connections.clear();
    say({ event: 'left' });
  }
}

const ready = new Promise((resolve) => client.once(Events.ClientReady, resolve));
await client.login(process.env.DISCORD_TOKEN);
await ready;
say({ event: 'ready' });
for await (const line of createInterface({ input: process.stdin })) {
  handle(JSON.parse(line) as Command).catch((error: unknown) => say({ event: 'error', message: error instanceof Error ? error.message : String(error) }));
}
await client.destroy();
