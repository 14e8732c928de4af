export { AudioError, isAudioError, type AudioErrorCode, type AudioErrorOptions } from './errors.js';
export { DEFAULT_AUDIO_LIMITS, resolveAudioLimits, type AudioLimits } from './limits.js';
export {
  ANALYSIS_SAMPLE_RATE_HZ,
  decodeAudio,
  isSilent,
  peakDbfs,
  type AudioSource,
  type DecodeOptions,
  type DecodedAudio,
} from './decode.js';
export { AUDIO_DEMUXERS } from './formats.js';
