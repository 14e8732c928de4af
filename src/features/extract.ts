import { chromaStft } from './chroma.js';
import { hpssSignals } from './hpss.js';
import { applyMel, melFilterbank, powerToDbInPlace } from './mel.js';
import { mfccFromLogMel } from './mfcc.js';
import type { FeatureSet } from './names.js';
import { rmsFrames } from './rms.js';
import { spectralShape } from './spectral.js';
import { meanVar } from './stats.js';
import { DEFAULT_STFT, stft, StftScratch } from './stft.js';
import { estimateTempo, onsetStrength } from './tempo.js';
import { zeroCrossingRate } from './zcr.js';

const N_MELS = 128;
const N_MFCC = 20;

/**
 * Arrays reused from one call to the next (the windows of a track are the same size): the
 * spectrogram and the padded signal (all views into the STFT kernel's memory, where the HPSS reads
 * them in place: see `StftScratch`), the HPSS signals and the mel power. Nothing that holds them
 * leaves {@link extractFeatures}, so reuse is invisible to callers; it spares tens of megabytes of
 * allocation per window and the garbage collections that follow.
 */
const scratch = { stft: new StftScratch(true), harmonic: new Float32Array(0), percussive: new Float32Array(0), mel: new Float32Array(0) };

function reused(name: 'harmonic' | 'percussive' | 'mel', length: number): Float32Array {
  if (scratch[name].length < length) scratch[name] = new Float32Array(length);
  return scratch[name].subarray(0, length);
}

/**
 * The 57 GTZAN table features of a mono clip, reproducing librosa 0.7 with every default
 * (frame 2048, hop 512, see `../shared/data/gtzan/PARITY.md`): means and population variances
 * over frames of chroma_stft, rms, spectral centroid / bandwidth / roll-off (Hz), zero-crossing
 * rate, the harmonic and percussive HPSS signals (over samples), 20 MFCCs, and the tempo (bpm).
 * One STFT is shared by every spectral feature; working arrays are reused between calls.
 * @param samples mono PCM, int16 / 32768 scale (do not peak-normalise)
 * @param sampleRateHz default 22 050 (the table's rate)
 * @param onLogMel receives the clip's log-mel (frame-major nFrames x 128, dB re 1, floored 80 dB
 *   below its maximum; hop 512) before its array is reused: e.g. for a picture of the track
 *   without a second transform. Read it during the call only.
 */
export function extractFeatures(samples: Float32Array, sampleRateHz = 22050, onLogMel?: (logMel: Float32Array, nFrames: number, nMels: number) => void): FeatureSet {
  const { nFft, hopLength } = DEFAULT_STFT;
  const spec = stft(samples, DEFAULT_STFT, scratch.stft);
  const { nFrames, nBins } = spec;

  const chroma = chromaStft(spec.power, nFrames, nBins, sampleRateHz, nFft);
  const chromaStats = meanVar(chroma.values);
  const rms = meanVar(rmsFrames(samples, nFft, hopLength, scratch.stft.padded.subarray(0, samples.length + nFft)));
  const shape = spectralShape(spec.magnitude, nFrames, nBins, sampleRateHz);
  const centroid = meanVar(shape.centroidHz);
  const bandwidth = meanVar(shape.bandwidthHz);
  const rolloff = meanVar(shape.rolloffHz);
  const zcr = meanVar(zeroCrossingRate(samples, nFft, hopLength));
  const { harmonic, percussive } = hpssSignals(samples, spec, 31, { harmonic: reused('harmonic', samples.length), percussive: reused('percussive', samples.length) });
  const harmony = meanVar(harmonic);
  const perceptr = meanVar(percussive);

  const logMel = powerToDbInPlace(applyMel(spec.power, nFrames, melFilterbank(sampleRateHz, nFft, N_MELS), reused('mel', nFrames * N_MELS)), 1, 80);
  onLogMel?.(logMel, nFrames, N_MELS);
  const tempo = estimateTempo(onsetStrength(logMel, nFrames, N_MELS, nFft, hopLength), sampleRateHz, hopLength);
  const mfcc = mfccFromLogMel(logMel, nFrames, N_MELS, N_MFCC);
  const m = (c: number) => meanVar(mfcc, c * nFrames, nFrames);
  const mf = Array.from({ length: N_MFCC }, (_, c) => m(c));
  const mfccEntry = (i: number) => mf[i - 1]!;

  return {
    chroma_stft_mean: chromaStats.mean,
    chroma_stft_var: chromaStats.variance,
    rms_mean: rms.mean,
    rms_var: rms.variance,
    spectral_centroid_mean: centroid.mean,
    spectral_centroid_var: centroid.variance,
    spectral_bandwidth_mean: bandwidth.mean,
    spectral_bandwidth_var: bandwidth.variance,
    rolloff_mean: rolloff.mean,
    rolloff_var: rolloff.variance,
    zero_crossing_rate_mean: zcr.mean,
    zero_crossing_rate_var: zcr.variance,
    harmony_mean: harmony.mean,
    harmony_var: harmony.variance,
    perceptr_mean: perceptr.mean,
    perceptr_var: perceptr.variance,
    tempo,
    ...mfccFields(mfccEntry),
  } as FeatureSet;
}

function mfccFields(entry: (i: number) => { mean: number; variance: number }): Record<string, number> {
  const out: Record<string, number> = {};
  for (let i = 1; i <= N_MFCC; i++) {
    out[`mfcc${i}_mean`] = entry(i).mean;
    out[`mfcc${i}_var`] = entry(i).variance;
  }
  return out;
}
