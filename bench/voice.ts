/**
 * Voice benchmark: the time from a play request to the first audio packet at the fake voice
 * server, and the CPU of concurrent streams in one process pinned to one core, with the largest
 * packet gap per stream. Through the bot (bench/voice-bot.ts) once it has `/play`;
 * `BENCH_VOICE_DRIVER=direct` drives @discordjs/voice directly (bench/voice-direct.ts).
 */
import { existsSync } from 'node:fs';
import { loadavg } from 'node:os';
import { join, resolve } from 'node:path';
import { GTZAN_DIR } from '../test/gtzan.js';
import { benchVoiceBot } from './voice-bot.js';
import { benchVoiceDirect, type DriverResult } from './voice-direct.js';
import { TARGETS } from './voice-measure.js';
import { isMain, writeResult } from './results.js';

const CLIP = join(GTZAN_DIR, 'audio/full/jazz/jazz.00010.flac');
/** The bot has a player once `/play` exists. */
const HAS_PLAYER = existsSync(resolve(import.meta.dirname, '../commands/play.ts'));

/** Figures of {@link benchVoice}. */
export interface VoiceBenchResult extends DriverResult {
  /** What was measured: the bot through the fake Discord, or '@discordjs/voice directly'. */
  driver: string;
  loadAverage1mAtEnd: number;
  targets: typeof TARGETS;
}

/** Runs the benchmark with the chosen driver: `rounds` first-packet rounds, streams of `durationS` seconds. */
export async function benchVoice(rounds = 5, durationS = 30, driver = process.env.BENCH_VOICE_DRIVER ?? (HAS_PLAYER ? 'bot' : 'direct')): Promise<VoiceBenchResult> {
  const result = driver === 'bot' ? await benchVoiceBot(rounds) : await benchVoiceDirect(CLIP, rounds, durationS);
  const name = driver === 'bot' ? 'the bot through the fake Discord, /play of a stored 30 s track' : '@discordjs/voice directly';
  return { driver: name, ...result, loadAverage1mAtEnd: loadavg()[0] ?? 0, targets: TARGETS };
}

/** Prints the tables and writes bench/results/voice.json. */
export function reportVoice(result: VoiceBenchResult): void {
  const median = (values: number[]): number => Math.round([...values].sort((a, b) => a - b)[Math.floor(values.length / 2)] ?? NaN);
  const max = (values: number[]): number => Math.round(Math.max(...values));
  console.log(`\nVoice (${result.driver}), streaming process pinned to core ${result.pinnedCore ?? '(none: taskset missing)'}`);
  console.table({
    'play, bot joins -> first packet (ms)': { median: median(result.firstPacketMs.cold), max: max(result.firstPacketMs.cold), target: result.targets.firstPacketMs },
    'play, joined -> first packet (ms)': { median: median(result.firstPacketMs.warm), max: max(result.firstPacketMs.warm), target: result.targets.firstPacketMs },
  });
  console.table(result.runs);
  console.log(`gap limit ${result.targets.maxGapMs} ms; load average at the end: ${result.loadAverage1mAtEnd.toFixed(2)}`);
  writeResult('voice.json', result);
}

if (isMain(import.meta.url)) {
  reportVoice(await benchVoice(Number(process.env.BENCH_RUNS ?? 5), Number(process.env.BENCH_VOICE_S ?? 30)));
}
