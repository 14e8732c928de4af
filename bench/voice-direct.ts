/**
 * The voice benchmark's @discordjs/voice driver: a child process (bench/voice-streamer.ts),
 * pinned to one core, joins and plays Ogg/Opus files with the library directly. The streaming
 * cost is the bot's; the /play handling (interaction, track lookup, loudness) is not in it.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { join, resolve } from 'node:path';
import { performance } from 'node:perf_hooks';
import { createInterface } from 'node:readline';
import { FakeDiscord } from '../test/fake-discord/index.js';
import { FakeVoiceServer, makeOggOpus, scratchDir, type RtpPacketRecord } from '../test/fake-voice/index.js';
import { hasTaskset, summariseRun, TARGETS, type StreamsRun } from './voice-measure.js';

const ROOT = resolve(import.meta.dirname, '..');

/** A guild's voice channel. */
export interface VoiceSpot {
  guildId: string;
  channelId: string;
}

/** Figures of one driver: first-packet times (ms) and the concurrent-stream runs. */
export interface DriverResult {
  firstPacketMs: { cold: number[]; warm: number[] };
  runs: StreamsRun[];
  /** The core the streaming process was pinned to, or null when taskset is missing. */
  pinnedCore: string | null;
}

/** The streamer child: commands as JSON lines in, events as JSON lines out. */
class Streamer {
  private readonly events: Record<string, unknown>[] = [];
  private readonly waiters: (() => void)[] = [];

  constructor(readonly child: ChildProcess) {
    createInterface({ input: child.stdout! }).on('line', (line) => {
      try {
        this.events.push(JSON.parse(line) as Record<string, unknown>);
      } catch {
        return;
      }
      for (const wake of this.waiters.splice(0)) wake();
    });
  }

  send(command: Record<string, unknown>): void {
    this.child.stdin!.write(`${JSON.stringify(command)}\n`);
  }

  async next(event: string, timeoutMs = 120_000): Promise<Record<string, unknown>> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const index = this.events.findIndex((e) => e.event === event || e.event === 'error');
      if (index !== -1) {
        const [found] = this.events.splice(index, 1);
        if (found!.event === 'error') throw new Error(`streamer: ${String(found!.message)}`);
        return found!;
      }
      if (this.child.exitCode !== null) throw new Error(`streamer exited (${this.child.exitCode})`);
      if (Date.now() > deadline) throw new Error(`streamer: no ${event} within ${timeoutMs} ms`);
      await new Promise<void>((wake) => {
        this.waiters.push(wake);
        setTimeout(wake, 500);
      });
    }
  }
}

/** Adds guilds (voice channel, the bot, alice as owner) to the fake Discord until it has `count`, before any client logs in. */
export function voiceSpots(fake: FakeDiscord, count: number): VoiceSpot[] {
  const spots = fake.defaults.guilds.map((g) => ({ guildId: g.id, channelId: g.voiceId }));
  for (let i = spots.length; i < count; i++) {
    const guild = fake.world.addGuild(`Bench ${i}`, fake.defaults.users.alice);
    fake.world.addChannel(guild.id, 'general');
    const channel = fake.world.addChannel(guild.id, 'Listening Room', { voice: true });
    fake.world.addMember(guild.id, fake.bot.id);
    spots.push({ guildId: guild.id, channelId: channel.id });
  }
  return spots;
}

/** Resolves with the first packet of `guildId` that arrived after `sinceMs`. */
export function firstPacketAfter(voice: FakeVoiceServer, guildId: string, sinceMs: number): Promise<RtpPacketRecord> {
  return voice.waitFor(() => voice.packets(guildId).find((p) => p.arrivalMs >= sinceMs), 20_000, 'the first packet');
}

async function firstPackets(streamer: Streamer, voice: FakeVoiceServer, spot: VoiceSpot, path: string, rounds: number): Promise<{ cold: number[]; warm: number[] }> {
  const cold: number[] = [];
  const warm: number[] = [];
  for (let round = 0; round < rounds; round++) {
    let startMs = performance.now();
    streamer.send({ cmd: 'join', guilds: [spot] });
    streamer.send({ cmd: 'play', guildIds: [spot.guildId], path });
    cold.push((await firstPacketAfter(voice, spot.guildId, startMs)).arrivalMs - startMs);
    await streamer.next('joined');
    await streamer.next('played');
    startMs = performance.now();
    streamer.send({ cmd: 'play', guildIds: [spot.guildId], path });
    warm.push((await firstPacketAfter(voice, spot.guildId, startMs)).arrivalMs - startMs);
    await streamer.next('played');
    streamer.send({ cmd: 'leave' });
    await streamer.next('left');
  }
  return { cold, warm };
}

async function streams(streamer: Streamer, voice: FakeVoiceServer, spots: VoiceSpot[], path: string, ffmpegVolume: number | undefined): Promise<StreamsRun> {
  streamer.send({ cmd: 'join', guilds: spots });
  await streamer.next('joined');
  const dropsBefore = voice.udpReceiveDrops();
  const startMs = performance.now();
  streamer.send({ cmd: 'play', guildIds: spots.map((g) => g.guildId), path, ...(ffmpegVolume !== undefined && { ffmpegVolume }) });
  const played = await streamer.next('played', 10 * 60_000) as { wallMs: number; selfMs: number; childrenMs: number };
  streamer.send({ cmd: 'leave' });
  await streamer.next('left');
  return summariseRun(voice, spots.map((s) => s.guildId), startMs, ffmpegVolume === undefined ? 'stored copy as is' : 'ffmpeg volume', { cpuMs: played.selfMs + played.childrenMs, wallMs: played.wallMs }, dropsBefore);
}

/**
 * Plays a GTZAN clip (as Ogg/Opus, made in a temp folder) from a child process pinned to core 0:
 * first-packet times over `rounds` rounds, then 1 and 10 concurrent streams, as stored and
 * re-encoded by ffmpeg (the player's volume path).
 */
export async function benchVoiceDirect(clip: string, rounds: number, durationS: number): Promise<DriverResult> {
  const scratch = scratchDir('cratedigger-bench-voice-');
  const voice = await FakeVoiceServer.start();
  const fake = await FakeDiscord.start({ voiceServer: voice });
  const spots = voiceSpots(fake, TARGETS.streams);
  const pinned = hasTaskset() ? '0' : null;
  const tsx = join(ROOT, 'node_modules/.bin/tsx');
  const script = join(ROOT, 'bench/voice-streamer.ts');
  const child = spawn(pinned === null ? tsx : 'taskset', pinned === null ? [script] : ['-c', pinned, tsx, script], {
    cwd: ROOT, stdio: ['pipe', 'pipe', 'inherit'],
    env: { PATH: process.env.PATH, HOME: process.env.HOME, DISCORD_API_URL: fake.restUrl, DISCORD_TOKEN: fake.token, ...voice.childEnv() },
  });
  const streamer = new Streamer(child);
  try {
    const [short, long] = await Promise.all([
      makeOggOpus(clip, join(scratch.dir, 'short.ogg'), { durationS: 2 }),
      makeOggOpus(clip, join(scratch.dir, 'long.ogg'), { durationS }),
    ]);
    await streamer.next('ready');
    const firstPacketMs = await firstPackets(streamer, voice, spots[0]!, short, rounds);
    const runs: StreamsRun[] = [];
    for (const count of [1, TARGETS.streams]) {
      for (const volume of [undefined, 0.8]) runs.push(await streams(streamer, voice, spots.slice(0, count), long, volume));
    }
    return { firstPacketMs, runs, pinnedCore: pinned };
  } finally {
    child.kill('SIGKILL');
    await fake.stop();
    await voice.stop();
    scratch.remove();
  }
}
