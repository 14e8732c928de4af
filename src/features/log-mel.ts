import { applyMel, melFilterbank, powerToDbInPlace } from './mel.js';
import { stft } from './stft.js';

/** A log-mel spectrogram in dB relative to its maximum (so its maximum is 0 dB, its floor -topDb). */
export interface LogMelSpectrogram {
  /** frame-major: value of band `m` in frame `t` at `t * nMels + m` */
  data: Float32Array;
  nMels: number;
  nFrames: number;
  sampleRateHz: number;
  hopLength: number;
}

/** Options of {@link logMelSpectrogram}; defaults follow librosa. */
export interface LogMelOptions {
  /** default 22 050 */
  sampleRateHz?: number;
  /** FFT frame in samples, a power of two; default 2048 */
  nFft?: number;
  /** default 512 */
  hopLength?: number;
  /** Slaney mel bands over 0 .. sampleRateHz / 2; default 128 */
  nMels?: number;
  /** dynamic range kept below the maximum, dB; default 80 */
  topDb?: number;
}

/**
 * librosa `power_to_db(melspectrogram(y, sr, n_fft, hop_length, n_mels), ref=np.max, top_db)`:
 * centred reflect-padded periodic-Hann STFT, power, Slaney mel filter bank with area normalisation.
 * @param samples mono PCM in [-1, 1]
 */
export function logMelSpectrogram(samples: Float32Array, options: LogMelOptions = {}): LogMelSpectrogram {
  const { sampleRateHz = 22050, nFft = 2048, hopLength = 512, nMels = 128, topDb = 80 } = options;
  const spec = stft(samples, { nFft, hopLength });
  const mel = applyMel(spec.power, spec.nFrames, melFilterbank(sampleRateHz, nFft, nMels));
  const data = powerToDbInPlace(mel, 'max', topDb);
  return { data, nMels, nFrames: spec.nFrames, sampleRateHz, hopLength };
}

/**
 * The hop (in samples) for a log-mel that will be drawn `columns` pixels wide: the largest of
 * 512, 1024 and 2048 that still gives every column at least one frame. A 3-minute track then
 * costs a quarter of the frames of a full-resolution log-mel, which the picture would average
 * away anyway; a 30 s clip keeps librosa's 512.
 */
export function hopForColumns(nSamples: number, columns: number): number {
  let hop = 512;
  while (hop < 2048 && nSamples / (hop * 2) >= columns) hop *= 2;
  return hop;
}
