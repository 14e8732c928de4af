/**
 * PCM -> features: librosa-parity GTZAN descriptors, log-mel spectrograms and the Meyda
 * comparison path. Pure: no I/O, no ffmpeg, no Discord.
 */
export { FEATURE_NAMES, toFeatureRow, type FeatureName, type FeatureSet } from './names.js';
export { extractFeatures } from './extract.js';
export { hopForColumns, logMelSpectrogram, type LogMelOptions, type LogMelSpectrogram } from './log-mel.js';
export { stft, DEFAULT_STFT, type Spectrogram, type StftConfig } from './stft.js';
export { meydaFrameFeatures, type MeydaFrameSummary } from './meyda-path.js';
