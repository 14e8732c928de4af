import meydaImport from 'meyda';
import { frameCount, padSignal } from './stft.js';

/** Per-frame Meyda features averaged over frames, in Meyda's own units (see {@link meydaFrameFeatures}). */
export interface MeydaFrameSummary {
  frames: number;
  /**
   * Means over frames: `rms`, `zcr` (crossings per frame, not a rate), `spectralCentroid` (in FFT
   * bins, not Hz), `spectralRolloff` (Hz, 99 %), `chroma` (mean of the 12 bands), `mfcc1..mfcc20`.
   */
  means: Record<string, number>;
}

// meyda's CommonJS build exports the Meyda object itself, while its typings (written for the ES
// build) describe a module whose default export is that object
type MeydaApi = typeof meydaImport extends { default: infer M } ? M : typeof meydaImport;
const Meyda = meydaImport as unknown as MeydaApi;

const FEATURES = ['rms', 'zcr', 'spectralCentroid', 'spectralRolloff', 'chroma', 'mfcc'] as const;

/**
 * The naive comparison path: the same kinds of frame features computed frame by frame through
 * `Meyda.extract` (frame 2048, hop 512, centred with reflect padding like librosa), each frame
 * allocating its own FFT and spectra. For benchmarks and for recording where Meyda's conventions
 * differ from librosa's; production code uses {@link extractFeatures}.
 * @param samples mono PCM in [-1, 1]
 * @param sampleRateHz default 22 050
 */
export function meydaFrameFeatures(samples: Float32Array, sampleRateHz = 22050, frameLength = 2048, hopLength = 512): MeydaFrameSummary {
  Meyda.bufferSize = frameLength;
  Meyda.sampleRate = sampleRateHz;
  Meyda.numberOfMFCCCoefficients = 20;
  Meyda.melBands = 128;
  Meyda.windowingFunction = 'hanning';
  const padded = padSignal(samples, frameLength >> 1, 'reflect');
  const frames = frameCount(samples.length, hopLength);
  const sums: Record<string, number> = {};
  const add = (key: string, value: number): void => {
    sums[key] = (sums[key] ?? 0) + value;
  };
  for (let t = 0; t < frames; t++) {
    const frame = padded.slice(t * hopLength, t * hopLength + frameLength);
    const f = Meyda.extract([...FEATURES], frame);
    if (!f) throw new Error('Meyda.extract returned nothing');
    add('rms', f.rms ?? 0);
    add('zcr', f.zcr ?? 0);
    // Meyda returns NaN for a silent frame's centroid; count it as 0 like librosa
    add('spectralCentroid', Number.isFinite(f.spectralCentroid) ? f.spectralCentroid! : 0);
    add('spectralRolloff', f.spectralRolloff ?? 0);
    const chroma = f.chroma ?? [];
    add('chroma', chroma.reduce((a: number, b: number) => a + (Number.isFinite(b) ? b : 0), 0) / Math.max(1, chroma.length));
    (f.mfcc ?? []).forEach((v: number, i: number) => add(`mfcc${i + 1}`, v));
  }
  const means: Record<string, number> = {};
  for (const [key, sum] of Object.entries(sums)) means[key] = sum / frames;
  return { frames, means };
}
