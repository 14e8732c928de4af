import { AudioError } from './errors.js';
import { checkAgainstStatedDuration, collectFfmpegOutput, tooLong, withStagedInput, type AudioSource } from './ffmpeg-job.js';
import { resolveAudioLimits, type AudioLimits } from './limits.js';
import { DEFAULT_PEAK_CEILING_DBFS, DEFAULT_TARGET_LUFS, measureLoudness, normalisationGainDb, type LoudnessNormalisation } from './loudness.js';
import { lockedInputArgs, type InputDescription } from './probe.js';

/** Opus always runs at 48 kHz; so does Discord voice. */
export const OPUS_SAMPLE_RATE_HZ = 48_000;
/** Opus frame length of a copy in ms: 20, what Discord voice sends, so a copy streams without re-encoding. */
export const OPUS_FRAME_MS = 20;
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
  /** Gain applied before encoding, in dB (finite, within +-60). Default 0: the loudness is kept. */
  gainDb?: number;
}

/** Options of {@link encodeNormalisedOpusCopy}. */
export interface NormalisedEncodeOptions extends Omit<EncodeOptions, 'gainDb'> {
  /** Integrated loudness aimed for, in LUFS. Default {@link DEFAULT_TARGET_LUFS}. */
  targetLufs?: number;
  /** Highest sample peak after the gain, in dBFS. Default {@link DEFAULT_PEAK_CEILING_DBFS}. */
  peakCeilingDbfs?: number;
}

/** A loudness-normalised copy and what was done to it. */
export interface NormalisedCopy {
  /** The Ogg/Opus file's bytes. */
  ogg: Uint8Array;
  loudness: LoudnessNormalisation;
}

/**
 * Encodes audio into a compact Ogg/Opus copy for later playback: 48 kHz, mono sources kept mono
 * and anything with two or more channels made stereo (Discord voice plays stereo Opus, and a
 * mono source gains nothing from a second channel), VBR at `bitrateKbps`. Tags, pictures and
 * chapters are dropped; dynamics are not touched, and the level only by `options.gainDb`
 * ({@link encodeNormalisedOpusCopy} chooses that gain). Opus frames are 20 ms (libopus's default,
 * what Discord voice sends). The input goes through the same lock-down as {@link decodeAudio}: one local file, allowed
 * audio demuxers only.
 *
 * @returns the Ogg file's bytes.
 * @throws AudioError NOT_AUDIO, CORRUPT, UNSUPPORTED, TOO_LARGE or TOO_LONG for the same inputs
 *   that decoding refuses with these codes (silence is not judged here); the signal's reason when
 *   `options.signal` aborts; RangeError for bad options; a plain Error when ffmpeg cannot start.
 */
export async function encodeOpusCopy(source: AudioSource, options: EncodeOptions = {}): Promise<Uint8Array> {
  const limits = resolveAudioLimits(options.limits);
  const bitrateKbps = checkedBitrate(options.bitrateKbps);
  const gainDb = options.gainDb ?? 0;
  if (!Number.isFinite(gainDb) || Math.abs(gainDb) > 60) throw new RangeError(`gainDb must be a finite number within +-60, got ${gainDb}`);
  return withStagedInput(source, limits, options.signal, (path, signal) =>
    encodeStaged(path, { ffmpegPath: options.ffmpegPath ?? 'ffmpeg', bitrateKbps, gainDb, limits, signal }),
  );
}

/**
 * {@link encodeOpusCopy} with its loudness normalised for playback: a first ffmpeg pass measures
 * the integrated loudness (EBU R128) and sample peak, and the copy is encoded with the gain that
 * brings it to `targetLufs` without pushing its peak past `peakCeilingDbfs` (so quiet, very
 * dynamic tracks may stay below the target rather than clip). Near-silent input gets no gain.
 * @throws as {@link encodeOpusCopy}.
 */
export async function encodeNormalisedOpusCopy(source: AudioSource, options: NormalisedEncodeOptions = {}): Promise<NormalisedCopy> {
  const limits = resolveAudioLimits(options.limits);
  const bitrateKbps = checkedBitrate(options.bitrateKbps);
  const targetLufs = options.targetLufs ?? DEFAULT_TARGET_LUFS;
  const ceiling = options.peakCeilingDbfs ?? DEFAULT_PEAK_CEILING_DBFS;
  if (!Number.isFinite(targetLufs) || !Number.isFinite(ceiling)) throw new RangeError('targetLufs and peakCeilingDbfs must be finite');
  const ffmpegPath = options.ffmpegPath ?? 'ffmpeg';
  return withStagedInput(source, limits, options.signal, async (path, signal) => {
    // The loudness pass describes the input first and stops one stating too long a duration.
    const measured = await measureLoudness(ffmpegPath, path, limits, signal);
    const gainDb = normalisationGainDb(measured, targetLufs, ceiling);
    const ogg = await encodeStaged(path, { ffmpegPath, bitrateKbps, gainDb, limits, signal });
    return { ogg, loudness: { ...measured, targetLufs, gainDb } };
  });
}

function checkedBitrate(kbps = DEFAULT_COPY_BITRATE_KBPS): number {
  if (!Number.isInteger(kbps) || kbps < 6 || kbps > 510) throw new RangeError(`bitrateKbps must be an integer in 6..510, got ${kbps}`);
  return kbps;
}

interface EncodeRun {
  ffmpegPath: string;
  bitrateKbps: number;
  gainDb: number;
  limits: AudioLimits;
  signal: AbortSignal;
}

/** Encodes the staged input and checks the copy's duration against the limits and the one its input states. */
async function encodeStaged(path: string, run: EncodeRun): Promise<Uint8Array> {
  const { limits } = run;
  const { ogg, input } = await runEncoder(path, run);
  const encodedS = oggOpusDurationS(ogg);
  if (encodedS === undefined || encodedS <= 0) throw new AudioError('CORRUPT', undefined, { detail: 'no audio encoded' });
  if (encodedS > limits.maxDurationS) throw tooLong(limits);
  checkAgainstStatedDuration(encodedS, input, limits, 'encoded');
  return ogg;
}

/**
 * One ffmpeg run at `-v info`, which describes its input as it starts (a stated duration over the
 * limit stops it there) and encodes it; the input's description comes back with the copy.
 */
async function runEncoder(path: string, { ffmpegPath, bitrateKbps, gainDb, limits, signal }: EncodeRun): Promise<{ ogg: Uint8Array; input: InputDescription }> {
  const args = [
    '-nostdin', '-hide_banner', '-nostats', '-v', 'info',
    ...lockedInputArgs(path),
    '-map', '0:a:0', '-map_metadata', '-1', '-map_chapters', '-1',
    // A little past the limit, so that a stream understating its duration is caught (and
    // refused below) without encoding all of it.
    '-t', String(limits.maxDurationS + 1),
    '-ar', String(OPUS_SAMPLE_RATE_HZ),
    // The gain in float, before libopus (which takes float samples): no clipping in between.
    // Then ffmpeg picks mono or stereo itself: mono stays mono, two or more channels become
    // stereo through the same down-mix as `-ac 2` (checked bit-exact on mono, stereo, 2.1, 4.0,
    // quad, 5.1, 7.1, 9-channel and 16-channel input), so no probe has to count them first.
    '-af', [...(gainDb === 0 ? [] : [`volume=${gainDb.toFixed(2)}dB:precision=float`]), 'aformat=channel_layouts=mono|stereo'].join(','),
    // Complexity 5 instead of libopus's 10: measured here on a 3-minute track, 1.40 s of CPU
    // instead of 2.08 s, and the copy is a playback copy at 64 kbit/s, not a master.
    '-c:a', 'libopus', '-b:a', `${bitrateKbps}k`, '-vbr', 'on', '-application', 'audio', '-compression_level', '5', '-frame_duration', String(OPUS_FRAME_MS),
    '-f', 'ogg', 'pipe:1',
  ];
  // VBR may run well over its target on dense material; this only stops runaway output.
  const maxBytes = Math.ceil(((limits.maxDurationS + 1) * bitrateKbps * 1000) / 8) * 3 + 1024 * 1024;
  const { chunks, totalBytes, input } = await collectFfmpegOutput(ffmpegPath, args, maxBytes, limits, signal);
  return { ogg: Buffer.concat(chunks, totalBytes), input };
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
