/**
 * Why a piece of audio could not be analysed.
 * - `NOT_AUDIO`: no audio stream at all (text, random bytes, an image, a video without sound).
 * - `CORRUPT`: a recognised audio container whose audio cannot be decoded: truncated or garbled
 *   so that nothing, or less than `AudioLimits.minDecodedFraction` of the stated duration, comes
 *   out, or so that most frames fail (ffmpeg's `max_error_rate`).
 * - `UNSUPPORTED`: a format outside our allow-list of audio demuxers (playlists, concat lists,
 *   exotic containers) or a codec that this ffmpeg cannot decode.
 * - `TOO_LARGE`: more input bytes than `AudioLimits.maxInputBytes`.
 * - `TOO_LONG`: longer than `AudioLimits.maxDurationS`, or decoding ran past
 *   `AudioLimits.decodeTimeoutMs`.
 * - `SILENT`: decoded, but the peak stays below `AudioLimits.silencePeakDbfs`.
 */
export type AudioErrorCode = 'NOT_AUDIO' | 'CORRUPT' | 'UNSUPPORTED' | 'TOO_LARGE' | 'TOO_LONG' | 'SILENT';

const DEFAULT_MESSAGES: Record<AudioErrorCode, string> = {
  NOT_AUDIO: "That file doesn't look like audio: I couldn't find any sound in it.",
  CORRUPT: 'That audio file seems to be damaged: I could not decode any sound from it.',
  UNSUPPORTED:
    'That file type is not supported: please send audio such as mp3, ogg, opus, flac, wav, m4a or webm.',
  TOO_LARGE: 'That file is too large for me to analyse.',
  TOO_LONG: 'That audio is too long for me to analyse.',
  SILENT: 'That audio is silent, so there is nothing to analyse.',
};

/** Options of {@link AudioError} beyond its code and message. */
export interface AudioErrorOptions {
  /** Technical detail for logs (e.g. the tail of ffmpeg's stderr); never shown to users. */
  detail?: string;
  cause?: unknown;
}

/**
 * An audio input that cannot be analysed, for a reason the user can fix.
 * `message` is one sentence a Discord user can read; `detail` is for logs.
 */
export class AudioError extends Error {
  override readonly name = 'AudioError';
  readonly code: AudioErrorCode;
  readonly detail: string | undefined;

  constructor(code: AudioErrorCode, message: string = DEFAULT_MESSAGES[code], options: AudioErrorOptions = {}) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.code = code;
    this.detail = options.detail;
  }
}

/** True when `error` is an {@link AudioError}, optionally of the given code. */
export function isAudioError(error: unknown, code?: AudioErrorCode): error is AudioError {
  return error instanceof AudioError && (code === undefined || error.code === code);
}
