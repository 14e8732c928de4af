import { AudioError } from './errors.js';
import { collectFfmpegOutput, tooLong, withStagedInput, type AudioSource } from './ffmpeg-job.js';
import { resolveAudioLimits, type AudioLimits } from './limits.js';
import { lockedInputArgs, probeInput } from './probe.js';

/** Opus always runs at 48 kHz; so does Discord voice. */
export const OPUS_SAMPLE_RATE_HZ = 48_000;
/** Default bit rate of a copy, in kbit/s: near-transparent stereo Opus for listening, ~0.5 MB a minute. */
export const DEFAULT_COPY_BITRATE_KBPS = 64;

/** Options of {@link encodeOpusCopy}. */
export interface EncodeOptions {
  /** Target (VBR) bit rate in kbit/s, an integer in 6..510. Default {@link DEFAULT_COPY_BITRATE_KBPS}. */
  bitrateKbps?: number;
  /** Overrides of the decode limits: size, duration, wall-clock budget and minimum decoded fraction apply alike. */
  limits?: Partial<AudioLimits>;
  /** Aborting kills ffmpeg; the promise then rejects with the signal's reason. */
  signal?: AbortSignal;
  /** The ffmpeg executable. Default "ffmpeg" from PATH. */
  ffmpegPath?: string;
  /** The ffprobe executable. Default "ffprobe" from PATH. */
  ffprobePath?: string;
}

/**
 * Encodes audio into a compact Ogg/Opus copy for later playback: 48 kHz, mono sources kept mono
 * and anything with two or more channels made stereo (Discord voice plays stereo Opus, and a
 * mono source gains nothing from a second channel), VBR at `bitrateKbps`. Tags, pictures and
 * chapters are dropped, and neither loudness nor dynamics are touched (playback normalises).
 * The input goes through the same lock-down as {@link decodeAudio}: one local file, allowed
 * audio demuxers only.
 *
 * @returns the Ogg file's bytes.
 * @throws AudioError NOT_AUDIO, CORRUPT, UNSUPPORTED, TOO_LARGE or TOO_LONG for the same inputs
 *   that decoding refuses with these codes (silence is not judged here); the signal's reason when
 *   `options.signal` aborts; RangeError for bad options; a plain Error when ffmpeg cannot start.
 */
export async function encodeOpusCopy(source: AudioSource, options: EncodeOptions = {}): Promise<Uint8Array> {
  const limits = resolveAudioLimits(options.limits);
  const bitrateKbps = options.bitrateKbps ?? DEFAULT_COPY_BITRATE_KBPS;
  if (!Number.isInteger(bitrateKbps) || bitrateKbps < 6 || bitrateKbps > 510) {
    throw new RangeError(`bitrateKbps must be an integer in 6..510, got ${bitrateKbps}`);
  }
  return withStagedInput(source, limits, options.signal, async (path, signal) => {
    const probe = await probeInput(options.ffprobePath ?? 'ffprobe', path, signal);
    if (probe.durationS !== undefined && probe.durationS > limits.maxDurationS) throw tooLong(limits);
    const channels = probe.channels === 1 ? 1 : 2;
    const ogg = await runEncoder(options.ffmpegPath ?? 'ffmpeg', path, channels, bitrateKbps, limits, signal);
    const encodedS = oggOpusDurationS(ogg);
    if (encodedS === undefined || encodedS <= 0) throw new AudioError('CORRUPT', undefined, { detail: 'no audio encoded' });
    if (encodedS > limits.maxDurationS) throw tooLong(limits);
    if (probe.durationS !== undefined && encodedS < probe.durationS * limits.minDecodedFraction) {
      throw new AudioError('CORRUPT', undefined, {
        detail: `encoded ${encodedS.toFixed(3)} s of a stated ${probe.durationS.toFixed(3)} s`,
      });
    }
    return ogg;
  });
}

async function runEncoder(
  ffmpegPath: string,
  path: string,
  channels: 1 | 2,
  bitrateKbps: number,
  limits: AudioLimits,
  signal: AbortSignal,
): Promise<Uint8Array> {
  const args = [
    '-nostdin', '-hide_banner', '-nostats', '-v', 'error',
    ...lockedInputArgs(path),
    '-map', '0:a:0', '-map_metadata', '-1', '-map_chapters', '-1',
    // A little past the limit, so that a stream understating its duration is caught (and
    // refused below) without encoding all of it.
    '-t', String(limits.maxDurationS + 1),
    '-ac', String(channels), '-ar', String(OPUS_SAMPLE_RATE_HZ),
    // Complexity 5 instead of libopus's 10: measured here on a 3-minute track, 1.40 s of CPU
    // instead of 2.08 s, and the copy is a playback copy at 64 kbit/s, not a master.
    '-c:a', 'libopus', '-b:a', `${bitrateKbps}k`, '-vbr', 'on', '-application', 'audio', '-compression_level', '5',
    '-f', 'ogg', 'pipe:1',
  ];
  // VBR may run well over its target on dense material; this only stops runaway output.
  const maxBytes = Math.ceil(((limits.maxDurationS + 1) * bitrateKbps * 1000) / 8) * 3 + 1024 * 1024;
  const { chunks, totalBytes } = await collectFfmpegOutput(ffmpegPath, args, maxBytes, limits, signal);
  return Buffer.concat(chunks, totalBytes);
}

/**
 * The duration of an Ogg/Opus stream in seconds, from the granule position of its last page
 * (48 kHz samples) less the pre-skip in its OpusHead; undefined when the pages do not parse.
 */
export function oggOpusDurationS(ogg: Uint8Array): number | undefined {
  const bytes = Buffer.from(ogg.buffer, ogg.byteOffset, ogg.byteLength);
  let offset = 0;
  let preSkip: number | undefined;
  let lastGranule: bigint | undefined;
  while (offset + 27 <= bytes.length && bytes.toString('latin1', offset, offset + 4) === 'OggS') {
    const segments = bytes[offset + 26] ?? 0;
    const headerLength = 27 + segments;
    if (offset + headerLength > bytes.length) return undefined;
    let bodyLength = 0;
    for (let i = 0; i < segments; i++) bodyLength += bytes[offset + 27 + i] ?? 0;
    const body = offset + headerLength;
    if (body + bodyLength > bytes.length) return undefined;
    if (preSkip === undefined && bytes.toString('latin1', body, body + 8) === 'OpusHead') preSkip = bytes.readUInt16LE(body + 10);
    const granule = bytes.readBigInt64LE(offset + 6);
    if (granule >= 0n) lastGranule = granule;
    offset = body + bodyLength;
  }
  if (offset !== bytes.length || preSkip === undefined || lastGranule === undefined) return undefined;
  return Math.max(0, Number(lastGranule) - preSkip) / OPUS_SAMPLE_RATE_HZ;
}
