import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { PARITY_DIR } from '../../../test/gtzan.js';
import { chromaPath, chromaStft } from '../chroma.js';
import { fftOf, fftPath } from '../fft-cache.js';
import { extractFeatures } from '../extract.js';
import { harmonicMask, hpssMedianPath, hpssSignals } from '../hpss.js';
import { medianFilterRows, medianScratch } from '../median.js';
import { applyMel, melFilterbank, powerToDbInPlace } from '../mel.js';
import { stft } from '../stft.js';
import { FEATURE_NAMES, type FeatureName } from '../names.js';
import { meanTempogram, onsetStrength } from '../tempo.js';
import { readWav16 } from '../test-support.js';
import { buildWasm, KERNELS } from './build.js';
import { wasmFftFor } from './fft-wasm.js';
import { medianKernel, type MedianKernel } from './median-wasm.js';

/**
 * Every feature through the wasm kernels against the JS paths: the float32 STFT and inverse STFT
 * (stft32.test.ts) move them by at most 2.5e-5 relative on the 30 parity clips (mfcc20_mean,
 * value 0.031; rolloff_var 1.2e-5: a frame's roll-off one bin over moves it by about that); tempo
 * is equal. The bound is four times that, and ten times below the 1e-3 parity bar.
 */
const FEATURE_REL_BOUND = 1e-4;
/** harmony_mean and perceptr_mean are near zero (down to 5e-7): absolute errors, measured at most 1.7e-10. */
const NEAR_ZERO_MEANS: ReadonlySet<FeatureName> = new Set(['harmony_mean', 'perceptr_mean']);
const NEAR_ZERO_ABS_BOUND = 1e-9;

function hasClang(): boolean {
  try {
    execFileSync(process.env.CLANG ?? 'clang', ['--version'], { stdio: 'ignore' });
    return true;
  } catch {
    return false;
  }
}

/** The JS reference: row medians of a rows x cols matrix, as int32 keys. */
function jsRows(m: Float32Array, rows: number, cols: number, size: number): Int32Array {
  const out = new Float32Array(rows * cols);
  medianFilterRows(m, out, rows, cols, size, medianScratch());
  return new Int32Array(out.buffer);
}

function transposed(m: Float32Array, rows: number, cols: number): Float32Array {
  const t = new Float32Array(m.length);
  for (let r = 0; r < rows; r++) for (let c = 0; c < cols; c++) t[c * rows + r] = m[r * cols + c]!;
  return t;
}

/**
 * Both wasm filters of a rows x cols matrix, through the HPSS entry point (a spectrogram of
 * nFft 2 (cols - 1) has cols bins): [row medians (P), column medians (H)], as int32 keys.
 */
function wasmBoth(kernel: MedianKernel, m: Float32Array, rows: number, cols: number, size: number): [Int32Array, Int32Array] {
  const filtered = kernel.spectrumMedians(m, rows, 2 * (cols - 1), size);
  expect(filtered).not.toBeNull();
  const keys = (a: Float32Array): Int32Array => new Int32Array(a.buffer, a.byteOffset, a.length).slice();
  return [keys(filtered!.perc), keys(filtered!.harm)];
}

function expectSameBits(kernel: MedianKernel, m: Float32Array, rows: number, cols: number, size: number, label: string): void {
  const [rowMed, colMed] = wasmBoth(kernel, m, rows, cols, size);
  const byRow = jsRows(m, rows, cols, size);
  const byCol = new Int32Array(transposed(new Float32Array(jsRows(transposed(m, rows, cols), cols, rows, size).buffer), cols, rows).buffer);
  expect(rowMed.every((v, i) => v === byRow[i]), `rows ${label}`).toBe(true);
  expect(colMed.every((v, i) => v === byCol[i]), `columns ${label}`).toBe(true);
}

describe('WebAssembly median kernel', () => {
  const kernel = medianKernel();

  it('loads (Node has WebAssembly SIMD)', () => {
    expect(kernel).not.toBeNull();
  });

  it.skipIf(!hasClang())('each committed NAME.wasm is the build of NAME.c and its extra sources (npm run build:wasm)', () => {
    const dir = mkdtempSync(join(tmpdir(), 'features-wasm-'));
    try {
      for (const name of KERNELS) {
        const built = readFileSync(buildWasm(name, join(dir, `${name}.wasm`)));
        const committed = readFileSync(new URL(`./${name}.wasm`, import.meta.url));
        expect(Buffer.compare(built, committed), `${name}.wasm is stale: run npm run build:wasm and commit it`).toBe(0);
      }
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
  if (!hasClang()) it.skip('the committed .wasm files are the builds of their C sources: SKIPPED, no clang here (apt-get install -y clang lld)', () => {});

  it('equals the JS median bit for bit on random matrices, ties, tiny values and short axes', () => {
    const k = kernel!;
    let seed = 11;
    const rand = (): number => ((seed = (seed * 1103515245 + 12345) % 2 ** 31) / 2 ** 31);
    for (let trial = 0; trial < 60; trial++) {
      const rows = 4 + Math.floor(rand() * 70);
      const cols = 4 + Math.floor(rand() * 70);
      const size = trial % 4 === 0 ? 31 : 2 * Math.floor(rand() * 20) + 1;
      const levels = trial % 3 === 0 ? 3 : 1e6;
      const scale = trial % 2 ? 1e-40 : 1; // subnormals too
      const m = Float32Array.from({ length: rows * cols }, () => (Math.floor(rand() * levels) / 7) * scale);
      expectSameBits(k, m, rows, cols, size, `${rows} x ${cols} window ${size}`);
    }
    // zeros, infinities and the largest finite float
    const special = Float32Array.from({ length: 9 * 40 }, (_, i) => [0, Infinity, 3.4028234663852886e38, 1, 0.5][i % 5]!);
    expectSameBits(k, special, 9, 40, 31, 'special values');
  });

  it('equals the JS median bit for bit on a real spectrogram (blues.00000, 1293 x 1025)', () => {
    const spec = stft(readWav16(join(PARITY_DIR, 'blues.00000.wav')).samples);
    expectSameBits(kernel!, spec.magnitude, spec.nFrames, spec.nBins, 31, 'blues.00000');
  });

  it('reports negative values and rejects bad arguments', () => {
    const k = kernel!;
    const m = Float32Array.from({ length: 16 }, (_, i) => (i === 5 ? -1 : i));
    expect(k.spectrumMedians(m, 4, 6, 3)).toBeNull();
    expect(() => k.spectrumMedians(m.map(Math.abs), 4, 6, 4)).toThrow(RangeError);
    expect(() => k.spectrumMedians(m.map(Math.abs), 4, 4, 3)).toThrow(RangeError);
    expect(() => k.spectrumMedians(m.subarray(0, 15), 4, 6, 3)).toThrow(RangeError);
  });

  it('HPSS (mask, harmonic part) gives the same bits through the wasm and the JS medians', () => {
    const samples = readWav16(join(PARITY_DIR, 'blues.00000.wav')).samples.subarray(0, 22050 * 8 + 300);
    const spec = stft(samples);
    // the float64 JS inverse STFT both times (the float32 wasm one has its own test in stft32.test.ts)
    const run = (useWasm: boolean): { mask: Float32Array; harmonic: Float32Array } => {
      hpssMedianPath.useWasm = useWasm;
      fftPath.useWasm = false;
      try {
        return { mask: harmonicMask(spec), harmonic: hpssSignals(samples, spec).harmonic };
      } finally {
        hpssMedianPath.useWasm = true;
        fftPath.useWasm = true;
      }
    };
    const viaWasm = run(true);
    const viaJs = run(false);
    expect(Buffer.compare(Buffer.from(viaWasm.mask.buffer), Buffer.from(viaJs.mask.buffer))).toBe(0);
    expect(Buffer.compare(Buffer.from(viaWasm.harmonic.buffer), Buffer.from(viaJs.harmonic.buffer))).toBe(0);
  });
});

describe('WebAssembly FFT (fft.js ported to fft.c)', () => {
  it('gives fft.js transform bits exactly, sizes 4 to 8192, random, tiny, huge and special inputs', () => {
    let seed = 5;
    const rand = (): number => ((seed = (seed * 1103515245 + 12345) % 2 ** 31) / 2 ** 31) - 0.5;
    for (let size = 4; size <= 8192; size *= 2) {
      const fft = fftOf(size);
      const wasm = wasmFftFor(fft);
      expect(wasm).not.toBeNull();
      for (let trial = 0; trial < 4; trial++) {
        const [data, out] = wasm!.buffers(2) as [Float64Array, Float64Array];
        const input = fft.createComplexArray() as number[];
        const expected = fft.createComplexArray() as number[];
        const scale = [1, 1e-300, 1e300, 1][trial]!;
        for (let i = 0; i < 2 * size; i++) input[i] = trial === 3 && i % 17 === 0 ? [0, -0, Infinity, NaN][i % 4]! : rand() * scale;
        data.set(input);
        fft.transform(expected, input);
        wasm!.transform(out, data);
        const same = Array.from(out).every((v, i) => Object.is(v, expected[i]) || (Number.isNaN(v) && Number.isNaN(expected[i])));
        expect(same, `size ${size} trial ${trial}`).toBe(true);
      }
    }
  });

  it('the mean tempogram (wasm loop) gives the same bits as the JS loop, on real onsets and odd lengths', () => {
    const samples = readWav16(join(PARITY_DIR, 'disco.00002.wav')).samples;
    const spec = stft(samples);
    const logMel = powerToDbInPlace(applyMel(spec.power, spec.nFrames, melFilterbank(22050, 2048, 128)), 1, 80);
    const onset = onsetStrength(logMel, spec.nFrames, 128);
    for (const [n, winLength] of [[onset.length, 344], [onset.length - 1, 344], [101, 40], [1, 8]] as const) {
      const envelope = onset.subarray(0, n);
      const viaWasm = meanTempogram(envelope, winLength);
      fftPath.useWasm = false;
      let viaJs: Float64Array;
      try {
        viaJs = meanTempogram(envelope, winLength);
      } finally {
        fftPath.useWasm = true;
      }
      expect(viaWasm.some((v) => v !== 0), `${n} frames`).toBe(n > 1);
      expect(Buffer.compare(Buffer.from(viaWasm.buffer), Buffer.from(viaJs.buffer)), `${n} frames, window ${winLength}`).toBe(0);
    }
  });

  it('every feature is within FEATURE_REL_BOUND through wasm (medians, FFTs, chroma) and through the JS paths, and the chroma matrix the same bits', () => {
    for (const clip of ['blues.00000.wav', 'disco.00002.wav']) {
      const samples = readWav16(join(PARITY_DIR, clip)).samples;
      const spec = stft(samples);
      const chroma = (): Float32Array => chromaStft(spec.power, spec.nFrames, spec.nBins, 22050, 2048).values;
      const viaWasm = { features: extractFeatures(samples), chroma: chroma() };
      fftPath.useWasm = false;
      hpssMedianPath.useWasm = false;
      chromaPath.useWasm = false;
      try {
        const viaJs = { features: extractFeatures(samples), chroma: chroma() };
        let worst = { name: '', rel: 0 };
        for (const name of FEATURE_NAMES) {
          const got = viaWasm.features[name];
          const want = viaJs.features[name];
          const error = Math.abs(got - want);
          if (name === 'tempo') expect(got, `${clip} tempo`).toBe(want);
          else if (NEAR_ZERO_MEANS.has(name)) expect(error, `${clip} ${name}`).toBeLessThanOrEqual(NEAR_ZERO_ABS_BOUND);
          else {
            expect(error, `${clip} ${name}: ${got} vs ${want}`).toBeLessThanOrEqual(FEATURE_REL_BOUND * Math.abs(want));
            if (error / Math.abs(want) > worst.rel) worst = { name, rel: error / Math.abs(want) };
          }
        }
        console.log(`${clip}: worst feature wasm vs JS ${worst.name} rel ${worst.rel.toExponential(2)} (bound ${FEATURE_REL_BOUND})`);
        expect(Buffer.compare(Buffer.from(viaWasm.chroma.buffer), Buffer.from(viaJs.chroma.buffer))).toBe(0);
      } finally {
        fftPath.useWasm = true;
        hpssMedianPath.useWasm = true;
        chromaPath.useWasm = true;
      }
    }
  });
});
