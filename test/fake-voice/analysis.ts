import OpusScript from 'opusscript';
import { CHANNELS, SAMPLE_RATE_HZ } from './media.js';
import type { RtpPacketRecord } from './records.js';

/** The Opus frame @discordjs/voice sends for silence (at pauses and after a track). */
export const SILENCE_FRAME = Buffer.from([0xf8, 0xff, 0xfe]);
/** RTP timestamp step of one 20 ms frame at 48 kHz. */
export const TIMESTAMP_STEP = 960;
/** Duration of one frame in ms. */
export const FRAME_MS = 20;

/**
 * Largest gap between packets that these tests accept, in ms. The 60 ms target is the
 * benchmark's (bench/voice.ts, on an idle machine); here the sender shares two busy cores with
 * the whole suite, and this limit catches a stalled or restarted stream, not scheduling noise.
 */
export const GAP_LIMIT_MS = 400;

/** A place where sequence numbers or timestamps did not follow on. */
export interface Break {
  /** Index of the packet (in the list analysed) that broke the run. */
  readonly index: number;
  readonly expected: number;
  readonly got: number;
}

/** How a run of packets (one SSRC) arrived. */
export interface ArrivalAnalysis {
  readonly packets: number;
  /** Packets whose Opus frame is the silence frame. */
  readonly silenceFrames: number;
  /** Places where the sequence number was not the previous + 1 (mod 2^16). */
  readonly sequenceBreaks: Break[];
  /** Places where the timestamp was not the previous + 960 (mod 2^32). */
  readonly timestampBreaks: Break[];
  /** Largest time between two consecutive arrivals, in ms (0 for fewer than two packets). */
  readonly maxGapMs: number;
  /** Index of the packet that ended the largest gap. */
  readonly maxGapIndex: number;
  /** Time from the first to the last arrival, in ms. */
  readonly spanMs: number;
  /** How many inter-arrival gaps exceed `limitMs`. */
  gapsOver(limitMs: number): number;
}

/** Checks that the packets (of one SSRC, in arrival order) are contiguous and evenly spaced. */
export function analyseArrival(packets: readonly RtpPacketRecord[]): ArrivalAnalysis {
  const sequenceBreaks: Break[] = [];
  const timestampBreaks: Break[] = [];
  let maxGapMs = 0;
  let maxGapIndex = 0;
  for (let i = 1; i < packets.length; i++) {
    const previous = packets[i - 1]!;
    const packet = packets[i]!;
    const sequence = (previous.sequence + 1) & 0xffff;
    if (packet.sequence !== sequence) sequenceBreaks.push({ index: i, expected: sequence, got: packet.sequence });
    const timestamp = (previous.timestamp + TIMESTAMP_STEP) % 2 ** 32;
    if (packet.timestamp !== timestamp) timestampBreaks.push({ index: i, expected: timestamp, got: packet.timestamp });
    const gap = packet.arrivalMs - previous.arrivalMs;
    if (gap > maxGapMs) {
      maxGapMs = gap;
      maxGapIndex = i;
    }
  }
  return {
    packets: packets.length, silenceFrames: packets.filter((p) => p.opus.equals(SILENCE_FRAME)).length,
    sequenceBreaks, timestampBreaks, maxGapMs, maxGapIndex,
    spanMs: packets.length > 1 ? packets.at(-1)!.arrivalMs - packets[0]!.arrivalMs : 0,
    gapsOver: (limitMs) => packets.filter((p, i) => i > 0 && p.arrivalMs - packets[i - 1]!.arrivalMs > limitMs).length,
  };
}

/** Packets whose frame is audio (not the silence frame). */
export function audioFrames(packets: readonly RtpPacketRecord[]): Buffer[] {
  return packets.map((p) => p.opus).filter((opus) => !opus.equals(SILENCE_FRAME));
}

/** Decodes Opus frames with libopus (opusscript) to interleaved 16-bit PCM at 48 kHz stereo. */
export function decodeOpusFrames(frames: readonly Buffer[]): Int16Array {
  const decoder = new OpusScript(SAMPLE_RATE_HZ, CHANNELS, OpusScript.Application.AUDIO);
  try {
    const chunks = frames.map((frame) => decoder.decode(frame));
    const bytes = Buffer.concat(chunks);
    return new Int16Array(bytes.buffer, bytes.byteOffset, bytes.byteLength / 2);
  } finally {
    decoder.delete();
  }
}

/** Seconds of interleaved 48 kHz PCM with `channels` channels (default stereo). */
export function pcmDurationS(pcm: Int16Array, channels: number = CHANNELS): number {
  return pcm.length / channels / SAMPLE_RATE_HZ;
}

/** RMS level of 16-bit PCM in dB relative to full scale (-Infinity for digital silence). */
export function rmsDb(pcm: Int16Array): number {
  let sum = 0;
  for (const sample of pcm) sum += sample * sample;
  const rms = Math.sqrt(sum / Math.max(1, pcm.length)) / 32768;
  return 20 * Math.log10(rms);
}

/** Decoded arrival compared with the source: durations in s and RMS levels in dBFS. */
export interface AudioComparison {
  readonly arrivedS: number;
  readonly sourceS: number;
  readonly arrivedRmsDb: number;
  readonly sourceRmsDb: number;
}

/**
 * Decodes the arrived audio frames and sets their length and loudness beside the source's PCM
 * (48 kHz, `sourceChannels` channels: decode a mono source as mono, see `decodeWithFfmpeg`).
 */
export function compareWithSource(packets: readonly RtpPacketRecord[], sourcePcm: Int16Array, sourceChannels: 1 | 2 = CHANNELS): AudioComparison {
  const arrived = decodeOpusFrames(audioFrames(packets));
  return { arrivedS: pcmDurationS(arrived), sourceS: pcmDurationS(sourcePcm, sourceChannels), arrivedRmsDb: rmsDb(arrived), sourceRmsDb: rmsDb(sourcePcm) };
}

/** How the frames that arrived line up with the frames that were sent (e.g. an Ogg/Opus file's packets). */
export interface FrameAlignment {
  /** Arrived frames found in the source, in order. */
  readonly matched: number;
  /** Source frames skipped between matched frames: frames lost in transit (e.g. at a reconnect). */
  readonly lost: number;
  /** Indexes (in the source) where skipped runs began. */
  readonly lostAt: number[];
  /** Arrived frames that are not the next source frames (within `lookAhead`): wrong or reordered content. */
  readonly unmatched: number;
  /** Source frames after the last matched one that never arrived. */
  readonly missingAtEnd: number;
}

/**
 * Lines the arrived frames up with the source's, byte for byte: each arrived frame must be the
 * next source frame or, after a loss, one of the next `lookAhead` frames.
 */
export function alignWithSource(arrived: readonly Buffer[], source: readonly Buffer[], lookAhead = 10): FrameAlignment {
  let next = 0;
  let matched = 0;
  let lost = 0;
  let unmatched = 0;
  const lostAt: number[] = [];
  for (const frame of arrived) {
    let found = -1;
    for (let j = next; j < Math.min(source.length, next + lookAhead + 1); j++) {
      if (source[j]!.equals(frame)) {
        found = j;
        break;
      }
    }
    if (found === -1) {
      unmatched += 1;
      continue;
    }
    if (found > next) {
      lost += found - next;
      lostAt.push(next);
    }
    matched += 1;
    next = found + 1;
  }
  return { matched, lost, lostAt, unmatched, missingAtEnd: source.length - next };
}
