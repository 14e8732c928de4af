/**
 * The voice benchmark's bot driver: the real bot process (and one worker process) against the
 * fake Discord and the fake voice server. Members run /play of library tracks (classified first
 * from real GTZAN clips); the bot process is pinned to one core while the streams are measured.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { FakeVoiceServer, SILENCE_FRAME } from '../test/fake-voice/index.js';
import { World, type ChildRun } from '../test/e2e/harness.js';
import { classify, command, text } from '../test/e2e/members.js';
import { GTZAN_DIR } from '../test/gtzan.js';
import { firstPacketAfter, voiceSpots, type DriverResult, type VoiceSpot } from './voice-direct.js';
import { descendants, hasTaskset, pinToCore, processCpuMs, summariseRun, TARGETS, type StreamsRun } from './voice-measure.js';

/** A guild where alice sits in the voice channel, with its text channel and one library track. */
interface BenchGuild extends VoiceSpot {
  textId: string;
  trackId: string;
}

/** Length of the GTZAN clips, in s. */
const TRACK_S = 30;
/** Silence after which a stream counts as ended, in ms. */
const QUIET_MS = 5000;

const alice = (world: World): string => world.fake.defaults.users.alice;
const where = (world: World, g: BenchGuild): { guildId: string; channelId: string; userId: string } => ({ guildId: g.guildId, channelId: g.textId, userId: alice(world) });

/** Classifies a full 30 s GTZAN clip (a different one per guild) and waits for its stored copy. */
async function libraryTrack(world: World, bot: ChildRun, guildId: string, textId: string, clip: number): Promise<string> {
  const name = `jazz.${String(clip).padStart(5, '0')}.flac`;
  const mark = bot.mark();
  const { answer } = await classify(world.fake, { guildId, channelId: textId, userId: alice(world) }, { filename: name, data: readFileSync(join(GTZAN_DIR, 'audio/full/jazz', name)), contentType: 'audio/flac' });
  const id = /id ([0-9a-f]{12})/.exec(text(answer))?.[1];
  if (!id) throw new Error(`no track id in ${text(answer)}`);
  await bot.waitForLog('audio copy stored', 120_000, (l) => typeof l.hash === 'string' && l.hash.startsWith(id), mark);
  return id;
}

/**
 * Waits until every guild's track has ended: 3 silence frames in a row after `sinceMs` (the
 * player's padding at a track's end), or no packet for {@link QUIET_MS} after some arrived.
 */
async function tracksEnded(voice: FakeVoiceServer, guildIds: readonly string[], sinceMs: number, timeoutMs: number): Promise<void> {
  const ended = (id: string): boolean => {
    const last = voice.packets(id).at(-1);
    if (last && last.arrivalMs >= sinceMs && performance.now() - last.arrivalMs > QUIET_MS) return true;
    let run = 0;
    for (const p of voice.packets(id)) {
      if (p.arrivalMs < sinceMs) continue;
      run = p.opus.equals(SILENCE_FRAME) ? run + 1 : 0;
      if (run >= 3) return true;
    }
    return false;
  };
  // Quiet is no event the fake could wake a waiter with: poll.
  const deadline = performance.now() + timeoutMs;
  while (!guildIds.every(ended)) {
    if (performance.now() > deadline) {
      const state = guildIds.map((id) => {
        const packets = voice.packets(id).filter((p) => p.arrivalMs >= sinceMs);
        return `${id}: ${packets.length} packets, ${packets.filter((p) => p.opus.equals(SILENCE_FRAME)).length} silence, last ${((packets.at(-1)?.arrivalMs ?? sinceMs) - sinceMs).toFixed(0)} ms`;
      });
      throw new Error(`not every track ended within ${timeoutMs} ms: ${state.join('; ')}`);
    }
    await new Promise((resolve) => setTimeout(resolve, 250));
  }
}

/** The bot's node process (below the tsx launcher) and everything under it. */
function botProcesses(bot: ChildRun): number[] {
  return [bot.child.pid!, ...descendants(bot.child.pid!)];
}

/** CPU of the bot's processes (and their reaped ffmpeg children), in ms. */
function botCpuMs(bot: ChildRun): number {
  return botProcesses(bot).reduce((sum, pid) => {
    try {
      const cpu = processCpuMs(pid);
      return sum + cpu.selfMs + cpu.childrenMs;
    } catch {
      return sum;
    }
  }, 0);
}

async function firstPackets(world: World, voice: FakeVoiceServer, g: BenchGuild, rounds: number): Promise<{ cold: number[]; warm: number[] }> {
  const cold: number[] = [];
  const warm: number[] = [];
  for (let round = 0; round < rounds; round++) {
    let sentMs = performance.now();
    await Promise.all([command(world.fake, where(world, g), 'play', undefined, { track: g.trackId }), firstPacketAfter(voice, g.guildId, sentMs).then((p) => cold.push(p.arrivalMs - sentMs))]);
    // /skip with an empty queue leaves the bot idle in the channel: the next /play is warm.
    await command(world.fake, where(world, g), 'skip');
    await new Promise((resolve) => setTimeout(resolve, 500));
    sentMs = performance.now();
    await Promise.all([command(world.fake, where(world, g), 'play', undefined, { track: g.trackId }), firstPacketAfter(voice, g.guildId, sentMs).then((p) => warm.push(p.arrivalMs - sentMs))]);
    await command(world.fake, where(world, g), 'stop');
    await new Promise((resolve) => setTimeout(resolve, 500));
  }
  return { cold, warm };
}

async function streams(world: World, voice: FakeVoiceServer, bot: ChildRun, guilds: BenchGuild[], volumePercent: number | undefined): Promise<StreamsRun> {
  const beforeMs = botCpuMs(bot);
  const dropsBefore = voice.udpReceiveDrops();
  const startMs = performance.now();
  await Promise.all(guilds.map((g) => command(world.fake, where(world, g), 'play', undefined, { track: g.trackId })));
  if (volumePercent !== undefined) await Promise.all(guilds.map((g) => command(world.fake, where(world, g), 'volume', undefined, { percent: volumePercent })));
  await tracksEnded(voice, guilds.map((g) => g.guildId), startMs, (TRACK_S + 60) * 1000);
  const wallMs = performance.now() - startMs;
  const cpuMs = botCpuMs(bot) - beforeMs;
  await Promise.all(guilds.map((g) => command(world.fake, where(world, g), 'stop')));
  const path = volumePercent === undefined ? 'bot\'s choice (stored copy as is when normalised)' : `ffmpeg volume (/volume ${volumePercent})`;
  return summariseRun(voice, guilds.map((g) => g.guildId), startMs, path, { cpuMs, wallMs }, dropsBefore);
}

/**
 * Through the real bot: first-packet times of /play for a stored 30 s track (cold: the bot joins;
 * warm: it is already in the channel), then 1 and 10 guilds streaming at once with the bot pinned
 * to core 0, at the bot's own choice of path and with /volume 80 (ffmpeg per stream).
 */
export async function benchVoiceBot(rounds: number): Promise<DriverResult> {
  const voice = await FakeVoiceServer.start();
  const world = await World.start({ voiceServer: voice });
  try {
    const spots = voiceSpots(world.fake, TARGETS.streams);
    const bot = await world.startBot({ ...voice.childEnv(), START_WORKERS: '0', LOG_LEVEL: 'info', VOICE_IDLE_TIMEOUT_S: '600' });
    world.startWorker();
    const guilds: BenchGuild[] = [];
    for (const [i, spot] of spots.entries()) {
      const textId = world.fake.world.guild(spot.guildId).channels.values().next().value!.id;
      guilds.push({ ...spot, textId, trackId: await libraryTrack(world, bot, spot.guildId, textId, [10, 13, 14, 15, 16, 17, 18, 19, 20, 21][i]!) });
      world.fake.setVoiceState(spot.guildId, alice(world), spot.channelId);
    }
    const firstPacketMs = await firstPackets(world, voice, guilds[0]!, rounds);
    const pinned = hasTaskset() ? '0' : null;
    if (pinned !== null) pinToCore(botProcesses(bot), pinned);
    const runs: StreamsRun[] = [];
    for (const count of [1, TARGETS.streams]) {
      for (const volume of [undefined, 80]) runs.push(await streams(world, voice, bot, guilds.slice(0, count), volume));
    }
    return { firstPacketMs, runs, pinnedCore: pinned };
  } finally {
    await world.stop();
    await voice.stop();
  }
}
