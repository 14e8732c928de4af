/**
 * Voice benchmark: the time from a play request to the first audio packet at the fake voice
 * server, and the CPU of concurrent streams in one process pinned to one core, with the largest
 * packet gap per stream. Until the player lands this drives @discordjs/voice directly in a child
 * process (bench/voice-streamer.ts): the streaming cost is the bot's, the /play handling is not in it.
 */
import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import { join, resolve } from 'node:path';
import { performance } from 'node:perf_hooks';
import { createInterface } from 'node:readline';
import { loadavg } from 'node:os';
import { FakeDiscord } from '../test/fake-discord/index.js';
import { analyseArrival, FakeVoiceServer, makeOggOpus, scratchDir, type RtpPacketRecord } from '../test/fake-voice/index.js';
import { GTZAN_DIR } from '../test/gtzan.js';
import { isMain, writeResult } from './results.js';

const ROOT = resolve(import.meta.dirname, '..');
const CLIP = join(GTZAN_DIR, 'audio/full/jazz/jazz.00010.flac');

/** One concurrent-streams run. */
export interface StreamsRun {
  streams: number;
  /** 'stored copy as is' (Ogg/Opus packets forwarded) or 'ffmpeg volume' (re-encoded per stream, as at a volume or gain change). */
  path: string;
  /** CPU of the streaming process and its ffmpeg children over the run, in % of one core. */
  cpuPercent: number;
  cpuPercentPerStream: number;
  /** Largest inter-arrival gap of any stream, in ms, and the streams with a gap over the limit. */
  maxGapMs: number;
  streamsOverGapLimit: number;
  /** Inter-arrival gaps over the limit, over all streams. */
  gapsOverLimit: number;
  /** Sequence or timestamp breaks over all streams (0 when every stream is contiguous). */
  breaks: number;
  packets: number;
  wallS: number;
}

/** Figures of {@link benchVoice}. */
export interface VoiceBenchResult {
  /** What was measured: '@discordjs/voice directly' until the bot's player exists. */
  driver: string;
  /** Time from the request to the first packet at the fake voice server, in ms: joining first (cold) or already joined (warm). */
  firstPacketMs: { cold: number[]; warm: number[] };
  runs: StreamsRun[];
  /** The core the streaming process was pinned to (taskset), or null when taskset is missing. */
  pinnedCore: string | null;
  loadAverage1mAtEnd: number;
  targets: { firstPacketMs: number; streams: number; maxGapMs: number };
}

const TARGETS = { firstPacketMs: 1000, streams: 10, maxGapMs: 60 };

/** The streamer child and a way to send it commands and await its answers. */
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

function hasTaskset(): boolean {
  try {
    execFileSync('taskset', ['-V'], { stdio: 'ignore' });
    return true;
  } catch {
    return false;
  }
}

/** Starts the fake Discord with `guildCount` guilds that have a voice channel and the bot, and the fake voice server. */
async function startFakes(guildCount: number): Promise<{ voice: FakeVoiceServer; fake: FakeDiscord; guilds: { guildId: string; channelId: string }[] }> {
  const voice = await FakeVoiceServer.start();
  const fake = await FakeDiscord.start({ voiceServer: voice });
  const guilds = fake.defaults.guilds.map((g) => ({ guildId: g.id, channelId: g.voiceId }));
  for (let i = guilds.length; i < guildCount; i++) {
    const guild = fake.world.addGuild(`Bench ${i}`, fake.defaults.users.alice);
    const channel = fake.world.addChannel(guild.id, 'Listening Room', { voice: true });
    fake.world.addMember(guild.id, fake.bot.id);
    guilds.push({ guildId: guild.id, channelId: channel.id });
  }
  return { voice, fake, guilds };
}

/** Resolves with the first packet of `guildId` that arrived after `sinceMs`. */
function firstPacketAfter(voice: FakeVoiceServer, guildId: string, sinceMs: number): Promise<RtpPacketRecord> {
  return voice.waitFor(() => voice.packets(guildId).find((p) => p.arrivalMs >= sinceMs), 20_000, 'the first packet');
}

async function measureFirstPacket(streamer: Streamer, voice: FakeVoiceServer, guild: { guildId: string; channelId: string }, path: string, rounds: number): Promise<{ cold: number[]; warm: number[] }> {
  const cold: number[] = [];
  const warm: number[] = [];
  for (let round = 0; round < rounds; round++) {
    let startMs = performance.now();
    streamer.send({ cmd: 'join', guilds: [guild] });
    streamer.send({ cmd: 'play', guildIds: [guild.guildId], path });
    cold.push((await firstPacketAfter(voice, guild.guildId, startMs)).arrivalMs - startMs);
    await streamer.next('joined');
    await streamer.next('played');
    startMs = performance.now();
    streamer.send({ cmd: 'play', guildIds: [guild.guildId], path });
    warm.push((await firstPacketAfter(voice, guild.guildId, startMs)).arrivalMs - startMs);
    await streamer.next('played');
    streamer.send({ cmd: 'leave' });
    await streamer.next('left');
  }
  return { cold, warm };
}

async function measureStreams(streamer: Streamer, voice: FakeVoiceServer, guilds: { guildId: string; channelId: string }[], path: string, ffmpegVolume: number | undefined): Promise<StreamsRun> {
  streamer.send({ cmd: 'join', guilds });
  await streamer.next('joined');
  const startMs = performance.now();
  streamer.send({ cmd: 'play', guildIds: guilds.map((g) => g.guildId), path, ...(ffmpegVolume !== undefined && { ffmpegVolume }) });
  const played = await streamer.next('played', 10 * 60_000) as { wallMs: number; selfMs: number; childrenMs: number };
  streamer.send({ cmd: 'leave' });
  await streamer.next('left');
  const perStream = guilds.map((g) => analyseArrival(voice.packets(g.guildId).filter((p) => p.arrivalMs >= startMs)));
  const cpuPercent = ((played.selfMs + played.childrenMs) / played.wallMs) * 100;
  const round = (n: number): number => Math.round(n * 10) / 10;
  return {
    streams: guilds.length, path: ffmpegVolume === undefined ? 'stored copy as is' : 'ffmpeg volume',
    cpuPercent: round(cpuPercent), cpuPercentPerStream: round(cpuPercent / guilds.length),
    maxGapMs: round(Math.max(...perStream.map((a) => a.maxGapMs))),
    streamsOverGapLimit: perStream.filter((a) => a.maxGapMs > TARGETS.maxGapMs).length,
    gapsOverLimit: perStream.reduce((n, a) => n + a.gapsOver(TARGETS.maxGapMs), 0),
    breaks: perStream.reduce((n, a) => n + a.sequenceBreaks.length + a.timestampBreaks.length, 0),
    packets: perStream.reduce((n, a) => n + a.packets, 0), wallS: round(played.wallMs / 1000),
  };
}

/**
 * Plays a 30 s GTZAN clip (as Ogg/Opus, made in a temp folder) from a child process pinned to
 * core 0: first-packet times over `rounds` rounds, then 1 and 10 concurrent streams, as stored
 * and re-encoded by ffmpeg.
 */
export async function benchVoice(rounds = 5, durationS = 30): Promise<VoiceBenchResult> {
  const scratch = scratchDir('cratedigger-bench-voice-');
  const { voice, fake, guilds } = await startFakes(TARGETS.streams);
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
      makeOggOpus(CLIP, join(scratch.dir, 'short.ogg'), { durationS: 2 }),
      makeOggOpus(CLIP, join(scratch.dir, 'long.ogg'), { durationS }),
    ]);
    await streamer.next('ready');
    const firstPacketMs = await measureFirstPacket(streamer, voice, guilds[0]!, short, rounds);
    const runs: StreamsRun[] = [];
    for (const count of [1, TARGETS.streams]) {
      for (const volume of [undefined, 0.8]) runs.push(await measureStreams(streamer, voice, guilds.slice(0, count), long, volume));
    }
    const round = (n: number): number => Math.round(n);
    return {
      driver: '@discordjs/voice directly', firstPacketMs: { cold: firstPacketMs.cold.map(round), warm: firstPacketMs.warm.map(round) },
      runs, pinnedCore: pinned, loadAverage1mAtEnd: loadavg()[0] ?? 0, targets: TARGETS,
    };
  } finally {
    child.kill('SIGKILL');
    await fake.stop();
    await voice.stop();
    scratch.remove();
  }
}

/** Prints the tables and writes bench/results/voice.json. */
export function reportVoice(result: VoiceBenchResult): void {
  const median = (values: number[]): number => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)] ?? NaN;
  console.log(`\nVoice (${result.driver}), streaming process pinned to core ${result.pinnedCore ?? '(none: taskset missing)'}`);
  console.table({
    'join + play -> first packet (ms)': { median: median(result.firstPacketMs.cold), max: Math.max(...result.firstPacketMs.cold), target: result.targets.firstPacketMs },
    'play, joined -> first packet (ms)': { median: median(result.firstPacketMs.warm), max: Math.max(...result.firstPacketMs.warm), target: result.targets.firstPacketMs },
  });
  console.table(result.runs);
  console.log(`gap limit ${result.targets.maxGapMs} ms; load average at the end: ${result.loadAverage1mAtEnd.toFixed(2)}`);
  writeResult('voice.json', result);
}

if (isMain(import.meta.url)) {
  reportVoice(await benchVoice(Number(process.env.BENCH_RUNS ?? 5), Number(process.env.BENCH_VOICE_S ?? 30)));
}
