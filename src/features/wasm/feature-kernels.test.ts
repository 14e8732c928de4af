import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { PARITY_DIR } from '../../../test/gtzan.js';
import { chromaPath, chromaStft } from '../chroma.js';
import { extractFeatures } from '../extract.js';
import { applyMel, melFilterbank, melPath, powerToDbInPlace } from '../mel.js';
import { mfccFromLogMel, mfccPath } from '../mfcc.js';
import { stft } from '../stft.js';
import { spectralPath, spectralShape, type SpectralShape } from '../spectral.js';
import { meanVar, statsPath } from '../stats.js';
import { onsetPath, onsetStrength } from '../tempo.js';
import { readWav16 } from '../test-support.js';
import { zcrPath, zeroCrossingRate } from '../zcr.js';
import { peakBins, piptrackPeaks, tuningFromPeaks, type TuningPeaks } from '../tuning.js';
import { chromaKernel } from './chroma-wasm.js';
import { melKernel } from './mel-wasm.js';
import { mfccKernel } from './mfcc-wasm.js';
import { onsetKernel } from './onset-wasm.js';
import { spectralKernel } from './spectral-wasm.js';
import { statsKernel } from './stats-wasm.js';
import { largestFloat32Below, zcrKernel } from './zcr-wasm.js';

/** `run` through the kernels, then again with `paths` switched to their JS loops (switched back after). */
function bothWays<T>(paths: { useWasm: boolean }[], run: () => T): [T, T] {
  const viaWasm = run();
  for (const path of paths) path.useWasm = false;
  try {
    return [viaWasm, run()];
  } finally {
    for (const path of paths) path.useWasm = true;
  }
}

/** Deterministic values in [0, 1). */
function random(seed: number): () => number {
  let s = seed;
  return () => (s = (s * 16807) % 2147483647) / 2147483647;
}

/** Both tuning-peak paths on one spectrogram: the kernel's (copied out of its memory) and the JS reference's. */
function bothPeaks(power: Float32Array, nFrames: number, nBins: number, sr: number, nFft: number): [TuningPeaks, TuningPeaks] {
  let viaWasm: TuningPeaks | undefined;
  chromaKernel()!.chroma(power, nFrames, nBins, peakBins(nBins, sr, nFft), sr, nFft, (peaks) => {
    viaWasm = { pitches: peaks.pitches.slice(), mags: peaks.mags.slice() };
    return new Float64Array(12 * nBins);
  });
  const js = piptrackPeaks(power, nFrames, nBins, sr, nFft);
  return [viaWasm!, { pitches: js.pitches.slice(), mags: js.mags.slice() }];
}

/** Equal element by element, NaN equal to NaN (their payloads may differ between the two paths). */
function expectSameValues(a: Float32Array, b: Float32Array, label: string): void {
  expect(a.length, label).toBe(b.length);
  expect(a.every((v, i) => Object.is(v, b[i])), label).toBe(true);
}

describe('WebAssembly tuning peaks (chroma.c tuning_peaks)', () => {
  const clip = readWav16(join(PARITY_DIR, 'blues.00000.wav')).samples;

  it('loads (Node has WebAssembly SIMD)', () => {
    expect(chromaKernel()).not.toBeNull();
    expect(mfccKernel()).not.toBeNull();
    expect(spectralKernel()).not.toBeNull();
    expect(melKernel()).not.toBeNull();
    expect(zcrKernel()).not.toBeNull();
    expect(statsKernel()).not.toBeNull();
    expect(onsetKernel()).not.toBeNull();
  });

  it('equals the JS piptrack on a real power spectrogram, and gives the same tuning', () => {
    const spec = stft(clip);
    const [wasm, js] = bothPeaks(spec.power, spec.nFrames, spec.nBins, 22050, 2048);
    expect(js.pitches.length).toBeGreaterThan(1000);
    expectSameValues(wasm.pitches, js.pitches, 'pitches');
    expectSameValues(wasm.mags, js.mags, 'mags');
    expect(tuningFromPeaks(wasm)).toBe(tuningFromPeaks(js));
  });

  it('equals the JS piptrack on random columns: ties, zeros, plateaus, NaN, odd shapes and rates', () => {
    const next = random(11);
    let found = 0;
    for (const [nFrames, nFft, sr] of [[7, 2048, 22050], [1, 2048, 22050], [33, 512, 8000], [5, 4096, 44100], [3, 64, 22050], [4, 16, 400]] as const) {
      const nBins = (nFft >> 1) + 1;
      const power = Float32Array.from({ length: nFrames * nBins }, () => {
        const r = next();
        // coarse levels make ties and plateaus; zeros and tiny values exercise the thresholds
        return r < 0.2 ? 0 : r < 0.25 ? 1e-30 : Math.round(next() * 8) / 8;
      });
      power[3] = Number.NaN;
      power[power.length - 5] = Number.NaN;
      const [wasm, js] = bothPeaks(power, nFrames, nBins, sr, nFft);
      expectSameValues(wasm.pitches, js.pitches, `pitches ${nFrames} x ${nBins}`);
      expectSameValues(wasm.mags, js.mags, `mags ${nFrames} x ${nBins}`);
      found += js.pitches.length;
    }
    expect(found).toBeGreaterThan(100);
  });
});

describe('WebAssembly MFCC product (mfcc.c)', () => {
  it('equals the JS DCT loop bit for bit on a real log-mel and on random frames, odd frame counts', () => {
    const spec = stft(readWav16(join(PARITY_DIR, 'blues.00000.wav')).samples);
    const logMel = powerToDbInPlace(applyMel(spec.power, spec.nFrames, melFilterbank(22050, 2048, 128)), 1, 80);
    const next = random(5);
    const cases: [Float32Array, number, number][] = [
      [logMel, spec.nFrames, 128],
      [Float32Array.from({ length: 3 * 40 }, () => (next() - 0.5) * 1e3), 3, 40],
      [Float32Array.from({ length: 128 }, () => -80 * next()), 1, 128],
    ];
    for (const [x, nFrames, nMels] of cases) {
      const [viaWasm, viaJs] = bothWays([mfccPath], () => mfccFromLogMel(x, nFrames, nMels, 20));
      expect(Buffer.compare(Buffer.from(viaWasm.buffer), Buffer.from(viaJs.buffer)), `${nFrames} x ${nMels}`).toBe(0);
    }
  });
});

/** Both spectral-shape paths, as the bytes of the three arrays. */
function bothShapes(magnitude: Float32Array, nFrames: number, nBins: number): [Buffer, Buffer] {
  const bytes = (s: SpectralShape): Buffer => Buffer.concat([s.centroidHz, s.bandwidthHz, s.rolloffHz].map((a) => Buffer.from(a.buffer)));
  return bothWays([spectralPath], () => bytes(spectralShape(magnitude, nFrames, nBins, 22050)));
}

describe('WebAssembly spectral shape (spectral.c)', () => {
  it('equals the JS loop bit for bit on a real magnitude spectrogram', () => {
    const spec = stft(readWav16(join(PARITY_DIR, 'blues.00000.wav')).samples);
    const [wasm, js] = bothShapes(spec.magnitude, spec.nFrames, spec.nBins);
    expect(Buffer.compare(wasm, js)).toBe(0);
  });

  it('equals the JS loop on random frames: silent, tiny, NaN and infinite ones, 1-9 frames, short spectra', () => {
    const next = random(17);
    for (const nBins of [1025, 33, 2]) {
      for (let nFrames = 1; nFrames <= 9; nFrames++) {
        const m = Float32Array.from({ length: nFrames * nBins }, () => (next() < 0.3 ? 0 : next() * 10));
        if (nFrames > 2) m.fill(0, nBins, 2 * nBins); // a silent frame
        if (nFrames > 3) m.fill(1e-39, 2 * nBins, 3 * nBins); // a total below the smallest normal float (silent) for 2 bins, above it for more
        if (nFrames > 5) m[4 * nBins + 1] = Number.NaN;
        if (nFrames > 6) m[5 * nBins] = Number.POSITIVE_INFINITY;
        const [wasm, js] = bothShapes(m, nFrames, nBins);
        expect(Buffer.compare(wasm, js), `${nFrames} x ${nBins}`).toBe(0);
      }
    }
  });
});

describe('WebAssembly mel filter bank (mel.c)', () => {
  it('equals the JS loop bit for bit on a real power spectrogram and on random ones, 1-17 frames, three banks', () => {
    const spec = stft(readWav16(join(PARITY_DIR, 'blues.00000.wav')).samples);
    const next = random(23);
    const cases: [Float32Array, number, ReturnType<typeof melFilterbank>][] = [[spec.power, spec.nFrames, melFilterbank(22050, 2048, 128)]];
    for (const bank of [melFilterbank(22050, 2048, 128), melFilterbank(8000, 512, 40), melFilterbank(44100, 4096, 64)]) {
      for (let nFrames = 1; nFrames <= 17; nFrames += 4) {
        const power = Float32Array.from({ length: nFrames * bank.nBins }, () => (next() < 0.2 ? 0 : next() ** 4 * 1e3));
        power[bank.nBins >> 1] = Number.NaN;
        cases.push([power, nFrames, bank]);
      }
    }
    for (const [power, nFrames, bank] of cases) {
      const [viaWasm, viaJs] = bothWays([melPath], () => applyMel(power, nFrames, bank));
      expect(viaWasm.every((v, i) => Object.is(v, viaJs[i])), `${nFrames} frames, ${bank.nMels} bands`).toBe(true);
    }
  });
});

describe('WebAssembly power to dB (mel.c)', () => {
  it('equals the JS loops bit for bit: real mel power, random values with 0, NaN, Infinity and tiny ones, odd lengths, every option', () => {
    const spec = stft(readWav16(join(PARITY_DIR, 'blues.00000.wav')).samples);
    const melPower = applyMel(spec.power, spec.nFrames, melFilterbank(22050, 2048, 128));
    const next = random(31);
    const special = [0, Number.NaN, Number.POSITIVE_INFINITY, 1e-45, 1e-38, 1e-10, 3e38];
    const noisy = Float32Array.from({ length: 1001 }, () => (next() < 0.2 ? special[Math.floor(next() * special.length)]! : 10 ** (20 * next() - 12)));
    const cases: [Float32Array, number | 'max', number | null, number][] = [
      [melPower, 1, 80, 1e-10],
      [melPower, 'max', 80, 1e-10],
      [noisy, 1, 80, 1e-10],
      [noisy, 'max', null, 1e-10],
      [noisy.subarray(0, 7), 2.5, 30, 1e-10],
      [noisy, 1, 80, 0],
      [new Float32Array(5), 1, null, 5e-324], // a subnormal float64 floor
    ];
    for (const [values, ref, topDb, amin] of cases) {
      const [viaWasm, viaJs] = bothWays([melPath], () => powerToDbInPlace(values.slice(), ref, topDb, amin));
      expect(viaWasm.every((v, i) => Object.is(v, viaJs[i])), `${values.length} values, ref ${ref}, top ${topDb}, amin ${amin}`).toBe(true);
    }
  });
});

describe('WebAssembly mean and variance of float32 values (stats.c)', () => {
  it('equals the JS loop bit for bit on a clip, on every length 0-13 at an offset, and with NaN and Infinity', () => {
    const clip = readWav16(join(PARITY_DIR, 'blues.00000.wav')).samples;
    const next = random(37);
    const noise = Float32Array.from({ length: 40 }, () => (next() - 0.3) * 1e3);
    const cases: [Float32Array, number, number][] = [[clip, 0, clip.length], [clip, 3, clip.length - 5]];
    for (let n = 0; n <= 13; n++) cases.push([noise, 5, n]);
    cases.push([Float32Array.of(1, Number.NaN, 2, 3, 4), 0, 5], [Float32Array.of(1, 2, Number.POSITIVE_INFINITY, 3, 4, 5), 0, 6]);
    for (const [values, offset, length] of cases) {
      const [viaWasm, viaJs] = bothWays([statsPath], () => meanVar(values, offset, length));
      expect(viaWasm, `${length} values from ${offset}`).toEqual(viaJs);
      expect(Object.is(viaWasm.mean, viaJs.mean) && Object.is(viaWasm.variance, viaJs.variance)).toBe(true);
    }
  });
});

describe('WebAssembly onset envelope (onset.c)', () => {
  it('equals the JS loop bit for bit on a real log-mel and on random ones: ties, NaN, odd and tiny band counts, short clips', () => {
    const spec = stft(readWav16(join(PARITY_DIR, 'blues.00000.wav')).samples);
    const logMel = powerToDbInPlace(applyMel(spec.power, spec.nFrames, melFilterbank(22050, 2048, 128)), 1, 80);
    const next = random(41);
    const cases: [Float32Array, number, number][] = [[logMel, spec.nFrames, 128]];
    for (const nMels of [128, 127, 40, 3, 2, 1]) {
      for (const nFrames of [1, 3, 4, 50]) {
        const x = Float32Array.from({ length: nFrames * nMels }, (_, i) => Math.round(next() * 6) * 4 - 80 + 8 * Math.floor(i / nMels));
        if (x.length > 7) x[7] = Number.NaN;
        cases.push([x, nFrames, nMels]);
      }
    }
    for (const [x, nFrames, nMels] of cases) {
      const [viaWasm, viaJs] = bothWays([onsetPath], () => onsetStrength(x, nFrames, nMels));
      expect(Buffer.compare(Buffer.from(viaWasm.buffer), Buffer.from(viaJs.buffer)), `${nFrames} x ${nMels}`).toBe(0);
    }
  });
});

describe('WebAssembly zero-crossing rate (zcr.c)', () => {
  it('finds the largest float32 below a limit', () => {
    const below = largestFloat32Below(-1e-10);
    expect(below).toBeLessThan(-1e-10);
    expect(Math.fround(below)).toBe(below);
    // the next float32 up is not below the limit
    const up = new Float32Array([below]);
    new Uint32Array(up.buffer)[0]!--;
    expect(up[0]!).toBeGreaterThanOrEqual(-1e-10);
    expect(largestFloat32Below(-0.5)).toBe(-0.5 - 2 ** -24);
    expect(largestFloat32Below(0)).toBe(-(2 ** -149));
    expect(largestFloat32Below(1)).toBe(1 - 2 ** -24);
    expect(largestFloat32Below(-Infinity)).toBeNaN();
  });

  it('equals the JS counts on a real clip and on signals at the threshold, any frame length and hop, short signals', () => {
    const next = random(29);
    const edge = largestFloat32Below(-1e-10);
    const special = [0, -0, 1e-10, -1e-10, Math.fround(-1e-10), edge, -edge, Number.NaN, -1, 1];
    const signals = [
      readWav16(join(PARITY_DIR, 'blues.00000.wav')).samples,
      Float32Array.from({ length: 5003 }, () => (next() < 0.5 ? special[Math.floor(next() * special.length)]! : next() - 0.5)),
      Float32Array.of(-1),
      new Float32Array(0),
    ];
    for (const x of signals) {
      for (const [frameLength, hop] of [[2048, 512], [2046, 300], [64, 64], [16, 24], [4, 1], [2, 3], [5, 1], [63, 64], [2047, 512]] as const) {
        const [viaWasm, viaJs] = bothWays([zcrPath], () => zeroCrossingRate(x, frameLength, hop));
        expect(Buffer.compare(Buffer.from(viaWasm.buffer), Buffer.from(viaJs.buffer)), `${x.length} samples, ${frameLength}/${hop}`).toBe(0);
      }
    }
  });
});

describe('the kernels in the extractor', () => {
  it('every feature, the chroma matrix and its tuning are the same through the kernels and through the JS paths', () => {
    const samples = readWav16(join(PARITY_DIR, 'jazz.00002.wav')).samples;
    const spec = stft(samples);
    const chroma = (): { values: Float32Array; tuning: number } => chromaStft(spec.power, spec.nFrames, spec.nBins, 22050, 2048);
    const [viaWasm, viaJs] = bothWays([chromaPath, mfccPath, spectralPath, melPath, zcrPath, statsPath, onsetPath], () => ({ features: extractFeatures(samples), chroma: chroma() }));
    expect(viaWasm.features).toEqual(viaJs.features);
    expect(viaWasm.chroma.tuning).toBe(viaJs.chroma.tuning);
    expect(Buffer.compare(Buffer.from(viaWasm.chroma.values.buffer), Buffer.from(viaJs.chroma.values.buffer))).toBe(0);
  });
});
