import { describe, expect, it } from 'vitest';
import { FEATURE_NAMES, extractFeatures, logMelSpectrogram, toFeatureRow } from './index.js';
import { applyMel, melFilterbank, powerToDbInPlace } from './mel.js';
import { stft, StftScratch } from './stft.js';
import { chromaPath } from './chroma.js';
import { fftPath } from './fft-cache.js';
import { hpssMedianPath } from './hpss.js';

const SR = 22050;
const signal = Float32Array.from({ length: 2 * SR }, (_, i) => 0.4 * Math.sin((2 * Math.PI * 330 * i) / SR) * (1 + Math.sin(i / 900)));

describe('feature names and rows', () => {
  it('lists the 57 table columns in order, tempo between perceptr_var and mfcc1_mean', () => {
    expect(FEATURE_NAMES).toHaveLength(57);
    expect(FEATURE_NAMES[0]).toBe('chroma_stft_mean');
    expect(FEATURE_NAMES[56]).toBe('mfcc20_var');
    const tempo = FEATURE_NAMES.indexOf('tempo');
    expect(FEATURE_NAMES[tempo - 1]).toBe('perceptr_var');
    expect(FEATURE_NAMES[tempo + 1]).toBe('mfcc1_mean');
    expect(new Set(FEATURE_NAMES).size).toBe(57);
  });

  it('extracts every feature as a finite number and orders the row by FEATURE_NAMES', () => {
    const features = extractFeatures(signal);
    expect(Object.keys(features).sort()).toEqual([...FEATURE_NAMES].sort());
    const row = toFeatureRow(features);
    expect(row).toHaveLength(57);
    row.forEach((v, i) => {
      expect(Number.isFinite(v), FEATURE_NAMES[i]).toBe(true);
      expect(v).toBe(features[FEATURE_NAMES[i]!]);
    });
  });
});

describe('extractFeatures edge cases', () => {
  it('gives finite numbers for silence, very short input and 16 kHz audio', () => {
    for (const [samples, sr] of [
      [new Float32Array(SR), SR],
      [signal.subarray(0, 700), SR],
      [signal.subarray(0, 16000), 16000],
    ] as const) {
      const row = toFeatureRow(extractFeatures(samples, sr));
      row.forEach((v, i) => expect(Number.isFinite(v), `${FEATURE_NAMES[i]} at ${samples.length} samples`).toBe(true));
    }
    const silent = extractFeatures(new Float32Array(SR));
    expect(silent.tempo).toBe(0);
    expect(silent.rms_mean).toBe(0);
    expect(silent.spectral_centroid_mean).toBe(0);
  });

  it('rejects an empty signal', () => {
    expect(() => extractFeatures(new Float32Array(0))).toThrow(RangeError);
  });
});

describe('logMelSpectrogram', () => {
  it('is frame-major in dB with maximum 0 and floor -topDb', () => {
    const lm = logMelSpectrogram(signal, { topDb: 60 });
    expect(lm).toMatchObject({ nMels: 128, nFrames: 1 + Math.floor(signal.length / 512), sampleRateHz: SR, hopLength: 512 });
    expect(lm.data.length).toBe(lm.nFrames * lm.nMels);
    expect(Math.max(...lm.data)).toBe(0);
    expect(Math.min(...lm.data)).toBeCloseTo(-60, 4);
  });

  it('is the MFCC path log-mel shifted by its maximum', () => {
    const spec = stft(signal);
    const ref = powerToDbInPlace(applyMel(spec.power, spec.nFrames, melFilterbank(SR, 2048, 128)), 1, null);
    const refMax = Math.max(...ref);
    const lm = logMelSpectrogram(signal, { topDb: 200 });
    for (const i of [0, 1000, 5000, lm.data.length - 1]) expect(lm.data[i]).toBeCloseTo(ref[i]! - refMax, 3);
  });

  it('honours nFft, hop and band count', () => {
    const lm = logMelSpectrogram(signal, { nFft: 1024, hopLength: 256, nMels: 64, sampleRateHz: 16000 });
    expect(lm.nMels).toBe(64);
    expect(lm.nFrames).toBe(1 + Math.floor(signal.length / 256));
    expect(lm.sampleRateHz).toBe(16000);
  });
});

describe('working arrays reused between calls', () => {
  // a longer, different signal: a call after it finds its leftovers in the reused arrays
  const longer = Float32Array.from({ length: 3 * SR + 777 }, (_, i) => 0.3 * Math.sin((2 * Math.PI * 97 * i) / SR + Math.sin(i / 5000)) + 0.05 * Math.sin(i * 1.3));

  it.each([true, false])('give the same features whatever came before (wasm paths: %s)', (useWasm) => {
    fftPath.useWasm = hpssMedianPath.useWasm = chromaPath.useWasm = useWasm;
    try {
      const first = extractFeatures(signal.subarray(0, SR + 123));
      extractFeatures(longer);
      expect(extractFeatures(signal.subarray(0, SR + 123))).toEqual(first);
    } finally {
      fftPath.useWasm = hpssMedianPath.useWasm = chromaPath.useWasm = true;
    }
  });

  it('an STFT into a scratch equals a fresh one, and the scratch is reused', () => {
    const scratch = new StftScratch();
    stft(longer, undefined, scratch);
    const buffer = scratch.padded;
    const reused = stft(signal, undefined, scratch);
    const fresh = stft(signal);
    expect(scratch.padded).toBe(buffer);
    for (const key of ['re', 'im', 'magnitude', 'power'] as const) expect(reused[key]).toEqual(fresh[key]);
    expect(reused.nFrames).toBe(fresh.nFrames);
  });
});
