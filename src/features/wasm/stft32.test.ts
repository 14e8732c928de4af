import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { PARITY_DIR } from '../../../test/gtzan.js';
import { fftPath } from '../fft-cache.js';
import { hpssSignals, type HpssSignals } from '../hpss.js';
import { padSignal, stft, StftScratch, type Spectrogram, type StftConfig } from '../stft.js';
import { readWav16 } from '../test-support.js';
import { ensureMemory } from './load.js';
import { stft32Module, workspace } from './stft32-module.js';
import { wasmStftFor } from './stft32-wasm.js';

/**
 * The float32 kernels against the float64 JS paths (fft.js), which stay the reference.
 * STFT: per frame, max |wasm - JS| of re, im and magnitude, over the frame's largest JS magnitude.
 * Measured at most 2.2e-7 (about four float32 roundings of the largest value: the transform's
 * log2 nFft stages, the window product, the output rounding); the bound leaves ten times that.
 * A wrong twiddle, a lane or frame mix-up, or a lost DC or Nyquist bin errs by 1e-3 to 1 here.
 */
const STFT_REL_BOUND = 2e-6;
/**
 * HPSS from the same spectrum: max |wasm - JS| of the harmonic and percussive samples, over the
 * largest |sample| within nFft of the sample (the frames that reach it). Measured at most 2.4e-7.
 */
const HPSS_REL_BOUND = 2e-6;

/** Uniform noise in [-1, 1): energy in every bin, DC and Nyquist included. */
function noise(length: number, seed: number): Float32Array {
  let state = seed;
  return Float32Array.from({ length }, () => ((state = (state * 1103515245 + 12345) % 2 ** 31) / 2 ** 30) - 1);
}

/** `fn` through the wasm kernels and through the JS paths. */
function bothPaths<T>(fn: () => T): { viaWasm: T; viaJs: T } {
  const viaWasm = fn();
  fftPath.useWasm = false;
  try {
    return { viaWasm, viaJs: fn() };
  } finally {
    fftPath.useWasm = true;
  }
}

/** The largest per-frame error of `got` against `want` over the frame's largest magnitude. */
function worstFrameError(got: Spectrogram, want: Spectrogram): number {
  const { nFrames, nBins } = want;
  let worst = 0;
  for (let t = 0; t < nFrames; t++) {
    const frame = (a: Float32Array): Float32Array => a.subarray(t * nBins, (t + 1) * nBins);
    const peak = frame(want.magnitude).reduce((m, v) => Math.max(m, v), 0);
    let error = 0;
    for (const key of ['re', 'im', 'magnitude'] as const) {
      const g = frame(got[key]);
      frame(want[key]).forEach((v, k) => (error = Math.max(error, Math.abs(g[k]! - v))));
    }
    // power is magnitude squared: its error is about 2 |X| times the magnitude's
    const gp = frame(got.power);
    frame(want.power).forEach((v, k) => (error = Math.max(error, Math.abs(gp[k]! - v) / (2 * peak))));
    worst = Math.max(worst, peak > 0 ? error / peak : error === 0 ? 0 : Infinity);
  }
  return worst;
}

/** The largest error of `got` against `want` over the largest |sample| within `reach` samples. */
function worstLocalError(got: Float32Array, want: Float32Array, samples: Float32Array, reach: number): number {
  const blocks = Math.ceil(samples.length / reach);
  const blockPeak = Array.from({ length: blocks }, (_, b) => samples.subarray(b * reach, (b + 1) * reach).reduce((m, v) => Math.max(m, Math.abs(v)), 0));
  let worst = 0;
  for (let i = 0; i < samples.length; i++) {
    const b = Math.floor(i / reach);
    const local = Math.max(blockPeak[b - 1] ?? 0, blockPeak[b]!, blockPeak[b + 1] ?? 0);
    const error = Math.abs(got[i]! - want[i]!);
    worst = Math.max(worst, local > 0 ? error / local : error === 0 ? 0 : Infinity);
  }
  return worst;
}

const blues = (): Float32Array => readWav16(join(PARITY_DIR, 'blues.00000.wav')).samples;
const librosa: StftConfig = { nFft: 2048, hopLength: 512 };

/** Real audio at lengths giving 1293 (odd, 5 mod 8), 130 (2 mod 8), 10, 8, 5 and 1 frames; noise at other sizes. */
function cases(): { label: string; samples: Float32Array; config: StftConfig }[] {
  const all = blues();
  const real = [all.length, 22050 * 3 + 300, 5000, 512 * 7, 2048, 100].map((n) => ({ label: `blues.00000, ${n} samples`, samples: all.subarray(0, n), config: librosa }));
  const sizes: [number, number, number][] = [[2048, 512, 20_000], [4096, 1024, 30_000], [1024, 256, 9_000], [64, 16, 700], [16, 4, 91], [8, 2, 37]];
  return [...real, ...sizes.map(([nFft, hopLength, n], i) => ({ label: `noise, nFft ${nFft}, ${n} samples`, samples: noise(n, 7 + i), config: { nFft, hopLength } }))];
}

describe('float32 WebAssembly STFT and inverse STFT (stft32.c) against the float64 JS paths', () => {
  it('loads for powers of two from 8 (null below, where the JS path runs)', () => {
    expect(wasmStftFor(2048)).not.toBeNull();
    expect(wasmStftFor(8)).not.toBeNull();
    expect(wasmStftFor(4)).toBeNull();
    expect(wasmStftFor(1000)).toBeNull();
  });

  it(`the STFT is within ${STFT_REL_BOUND} of each frame's largest magnitude: odd and even frame counts, counts not a multiple of 8, short inputs, sizes 8 to 4096`, () => {
    const lines: string[] = [];
    for (const { label, samples, config } of cases()) {
      const { viaWasm, viaJs } = bothPaths(() => stft(samples, config));
      expect([viaWasm.nFrames, viaWasm.nBins], label).toEqual([viaJs.nFrames, viaJs.nBins]);
      const worst = worstFrameError(viaWasm, viaJs);
      lines.push(`${label} (${viaJs.nFrames} frames): ${worst.toExponential(2)}`);
      expect(worst, label).toBeLessThanOrEqual(STFT_REL_BOUND);
    }
    console.log(`STFT, wasm vs JS, worst error over the frame's largest magnitude (bound ${STFT_REL_BOUND}):\n${lines.join('\n')}`);
  });

  it(`the HPSS signals from the same spectrum are within ${HPSS_REL_BOUND} of the local peak sample`, () => {
    const lines: string[] = [];
    // a longer call first: the wasm scratch then holds stale values past the shorter calls' ends
    hpssSignals(blues(), stft(blues()));
    // magnitudes near 1e-25 and 1e25 too: their squares leave float32's range unless the mask scales them
    const scaled = [1e-25, 1e25].map((scale) => ({ label: `noise x ${scale}`, samples: noise(20_000, 3).map((v) => v * scale), config: librosa }));
    for (const { label, samples, config } of [...cases(), ...scaled]) {
      fftPath.useWasm = false;
      const spec = stft(samples, config);
      fftPath.useWasm = true;
      if (spec.nFrames < 4) continue; // below the wasm median's minimum the JS path runs either way
      const { viaWasm, viaJs } = bothPaths(() => hpssSignals(samples, spec));
      const worst = Math.max(
        worstLocalError(viaWasm.harmonic, viaJs.harmonic, samples, config.nFft),
        worstLocalError(viaWasm.percussive, viaJs.percussive, samples, config.nFft),
      );
      lines.push(`${label} (${spec.nFrames} frames): ${worst.toExponential(2)}`);
      expect(worst, label).toBeLessThanOrEqual(HPSS_REL_BOUND);
      // the float32 path did run: not the JS bits
      if (samples.length > 10_000) expect(Buffer.compare(Buffer.from(viaWasm.harmonic.buffer), Buffer.from(viaJs.harmonic.buffer)), label).not.toBe(0);
    }
    console.log(`HPSS, wasm vs JS, worst error over the local peak sample (bound ${HPSS_REL_BOUND}):\n${lines.join('\n')}`);
  });
});

const sameBits = (a: Float32Array, b: Float32Array): boolean => a.length === b.length && Buffer.compare(Buffer.from(a.buffer, a.byteOffset, a.byteLength), Buffer.from(b.buffer, b.byteOffset, b.byteLength)) === 0;
const sameSignals = (a: HpssSignals, b: HpssSignals): boolean => sameBits(a.harmonic, b.harmonic) && sameBits(a.percussive, b.percussive);
const SPECTRUM_KEYS = ['re', 'im', 'magnitude', 'power'] as const;

/** A copy of `spec` in fresh JS arrays (what the kernels must copy in rather than read in place). */
function copied(spec: Spectrogram): Spectrogram {
  return { ...spec, re: spec.re.slice(), im: spec.im.slice(), magnitude: spec.magnitude.slice(), power: spec.power.slice() };
}

describe('the stft32 module\'s shared memory: STFT, median filters and inverse STFT read one another\'s outputs in place', () => {
  it('an in-kernel STFT gives the fresh STFT\'s bits as views into the module, and its HPSS, read in place, the bits of the HPSS from copies', () => {
    const samples = blues().subarray(0, 22050 * 5 + 77);
    const fresh = stft(samples, librosa);
    const viaCopies = hpssSignals(samples, fresh);
    const scratch = new StftScratch(true);
    const inKernel = stft(samples, librosa, scratch);
    const memory = stft32Module()!.ex.memory;
    for (const key of SPECTRUM_KEYS) {
      expect(inKernel[key].buffer, key).toBe(memory.buffer);
      expect(sameBits(inKernel[key], fresh[key]), key).toBe(true);
    }
    expect(scratch.padded.buffer).toBe(memory.buffer);
    expect(sameBits(scratch.padded, padSignal(samples, 1024, 'reflect'))).toBe(true);
    expect(sameSignals(hpssSignals(samples, inKernel), viaCopies)).toBe(true);
    // the HPSS wrote around the spectrogram, not over it
    for (const key of SPECTRUM_KEYS) expect(sameBits(inKernel[key], fresh[key]), `${key} after the HPSS`).toBe(true);
  });

  it('a signal longer than any before grows the memory in the STFT, not between it and the HPSS: the views stay valid', () => {
    const clip = blues();
    const long = new Float32Array(3 * clip.length + 123);
    for (let i = 0; i < long.length; i++) long[i] = clip[i % clip.length]! * (1 + (i % 3));
    const memory = stft32Module()!.ex.memory;
    const before = memory.buffer.byteLength;
    const spec = stft(long, librosa, new StftScratch(true));
    expect(memory.buffer.byteLength, 'the STFT grew the memory (else this test proves nothing)').toBeGreaterThan(before);
    const saved = copied(spec);
    const grown = memory.buffer.byteLength;
    const inPlace = hpssSignals(long, spec);
    expect(memory.buffer.byteLength).toBe(grown);
    for (const key of SPECTRUM_KEYS) expect(sameBits(spec[key], saved[key]), `${key} after the HPSS`).toBe(true);
    expect(sameSignals(inPlace, hpssSignals(long, saved))).toBe(true);
  });

  it('the HPSS of a JS spectrum at a transform size the module has not seen (its tables move the workspace) equals a second call and is within the bound', () => {
    const samples = noise(600, 19);
    const config = { nFft: 512, hopLength: 128 };
    fftPath.useWasm = false;
    const spec = stft(samples, config);
    fftPath.useWasm = true;
    const first = hpssSignals(samples, spec);
    expect(sameSignals(first, hpssSignals(samples, spec))).toBe(true);
    expect(worstLocalError(first.harmonic, bothPaths(() => hpssSignals(samples, spec)).viaJs.harmonic, samples, config.nFft)).toBeLessThanOrEqual(HPSS_REL_BOUND);
  });

  it('a workspace lies past the tables of its transform size (made by its first use): making that size\'s kernels afterwards leaves it intact', () => {
    const m = stft32Module()!;
    const shape = { size: 128, hop: 32, nFrames: 6, nSamples: 300 };
    const ws = workspace(m, shape);
    ensureMemory(m.ex.memory, ws.end);
    const area = (): Int32Array => new Int32Array(m.ex.memory.buffer, ws.re, (ws.end - ws.re) / 4);
    area().fill(0x5a5a5a5a);
    expect(wasmStftFor(shape.size)).not.toBeNull();
    expect(workspace(m, shape)).toEqual(ws);
    expect(area().every((v) => v === 0x5a5a5a5a)).toBe(true);
  });
});
