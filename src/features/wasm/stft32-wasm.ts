import { ensureMemory, instantiateKernel, memoKernel, type KernelExports } from './load.js';

/**
 * The STFT frame loop of stft.ts and the inverse STFT of hpss.ts in float32 WebAssembly
 * (stft32.c on fft32.h, built to the committed stft32.wasm by `npm run build:wasm`): eight frames
 * per batch, four complex transforms in the f32x4 lanes. Not bit-identical to the float64 JS
 * paths they replace, which stay as the reference and fallback: the bounds are in
 * kernels.test.ts. Each transform size gets its own tables and batch buffer in the module's memory.
 */
export interface WasmStft {
  /**
   * nFrames frames of `padded` hop apart, times `window` (nFft = this size), transformed, as
   * float32 arrays (frame-major nFrames x nBins): copied into `into` (nFrames x nBins cells each)
   * when given, else fresh. When `into` has no `re` and `im`, those two are returned as views into
   * the module's memory instead of copies: valid until the next call of this kernel (or a growth
   * of its memory), and read in place by {@link hpssIstft}, which spares copying them out and back in.
   */
  stftFrames(padded: Float32Array, window: Float64Array, hop: number, nFrames: number, into?: SpectrumArrays | MagnitudePower): SpectrumArrays;
  /**
   * hpss.ts hpssSignals after the median filters: H and P frame-major (nFrames x nBins),
   * `window` the periodic Hann window and `invWss` the reciprocal of its sum-square (1 where that
   * is below float32's tiny); copied into `into` (as long as the samples) when given, else fresh.
   */
  hpssIstft(args: HpssIstftArgs, into?: { harmonic: Float32Array; percussive: Float32Array }): { harmonic: Float32Array; percussive: Float32Array };
}

/** The magnitude and power arrays of a spectrogram, frame-major. */
export interface MagnitudePower {
  magnitude: Float32Array;
  power: Float32Array;
}

/** The four arrays of a spectrogram, frame-major. */
export interface SpectrumArrays {
  re: Float32Array;
  im: Float32Array;
  magnitude: Float32Array;
  power: Float32Array;
}

/** The inputs of {@link WasmStft.hpssIstft}. */
export interface HpssIstftArgs {
  harm: Float32Array;
  perc: Float32Array;
  re: Float32Array;
  im: Float32Array;
  nFrames: number;
  hop: number;
  window: Float64Array;
  /** 1 / window sum-square (1 where it is below tiny), nFft + hop (nFrames - 1) values. */
  invWss: Float32Array;
  samples: Float32Array;
}

interface Exports extends KernelExports {
  stft_frames: (padded: number, halfWindow: number, x: number, cosT: number, sinT: number, bitrev: number, log2n: number,
    hop: number, nFrames: number, re: number, im: number, magnitude: number, power: number) => void;
  hpss_istft: (...args: number[]) => void;
}

export const STFT32_WASM_URL = new URL('./stft32.wasm', import.meta.url);
/** The smallest transform the kernels take (they move bins four at a time). */
export const WASM_STFT_MIN_SIZE = 8;

const bySize = new Map<number, WasmStft>();

const load = memoKernel((): { ex: Exports; top: number } => {
  const { exports: ex, heapBase } = instantiateKernel<Exports>(STFT32_WASM_URL);
  return { ex, top: heapBase };
});

const align = (x: number): number => (x + 15) & ~15;

/** Hands out consecutive 16-byte aligned blocks of a module's memory from `at` on. */
function placer(at: number): { place: (bytes: number) => number; end: () => number } {
  let next = align(at);
  return {
    place: (bytes) => {
      const here = next;
      next = align(next + bytes);
      return here;
    },
    end: () => next,
  };
}

/**
 * The float32 STFT kernels for transforms of `size` points, or null without WebAssembly or for a
 * size they do not take (not a power of two >= {@link WASM_STFT_MIN_SIZE}): the JS path then runs.
 */
export function wasmStftFor(size: number): WasmStft | null {
  const cached = bySize.get(size);
  if (cached) return cached;
  if (size < WASM_STFT_MIN_SIZE || (size & (size - 1)) !== 0) return null;
  const m = load();
  if (m === null) return null;
  const { ex } = m;
  const log2n = Math.log2(size);
  // per size: the twiddles e^(-2 pi i j / size) and the bit reversal of fft32.h, and the batch buffer
  const fixed = placer(m.top);
  const cosAt = fixed.place(4 * size);
  const sinAt = fixed.place(4 * size);
  const bitrevAt = fixed.place(4 * size);
  const batchAt = fixed.place(32 * size);
  m.top = fixed.end();
  ensureMemory(ex.memory, m.top);
  const cos = new Float32Array(ex.memory.buffer, cosAt, size);
  const sin = new Float32Array(ex.memory.buffer, sinAt, size);
  const bitrev = new Int32Array(ex.memory.buffer, bitrevAt, size);
  for (let j = 0; j < size; j++) {
    cos[j] = Math.cos((2 * Math.PI * j) / size);
    sin[j] = -Math.sin((2 * Math.PI * j) / size);
    let r = 0;
    for (let b = 0; b < log2n; b++) r |= ((j >> b) & 1) << (log2n - 1 - b);
    bitrev[j] = r;
  }
  const nBins = (size >> 1) + 1;

  const stftFrames: WasmStft['stftFrames'] = (padded, window, hop, nFrames, into) => {
    const cells = nFrames * nBins;
    if (window.length !== size || nFrames < 1 || padded.length < (nFrames - 1) * hop + size) throw new RangeError('wasm STFT: signal shorter than its frames');
    // transient work area above everything allocated so far (a later size may reuse it)
    const area = placer(m.top);
    const windowAt = area.place(4 * size);
    const paddedAt = area.place(4 * padded.length);
    const [reAt, imAt, magAt, powAt] = [0, 1, 2, 3].map(() => area.place(4 * cells)) as [number, number, number, number];
    ensureMemory(ex.memory, area.end());
    const buf = ex.memory.buffer;
    // the window halved (exactly): the 1/2 of splitting a + i b into a and b is folded into it
    const halfWindow = new Float32Array(buf, windowAt, size);
    for (let j = 0; j < size; j++) halfWindow[j] = 0.5 * window[j]!;
    new Float32Array(buf, paddedAt, padded.length).set(padded);
    ex.stft_frames(paddedAt, windowAt, batchAt, cosAt, sinAt, bitrevAt, log2n, hop, nFrames, reAt, imAt, magAt, powAt);
    const view = (at: number): Float32Array => new Float32Array(buf, at, cells);
    if (into === undefined) return { re: view(reAt).slice(), im: view(imAt).slice(), magnitude: view(magAt).slice(), power: view(powAt).slice() };
    if (into.magnitude.length !== cells || into.power.length !== cells) throw new RangeError('wasm STFT: output arrays of the wrong size');
    into.magnitude.set(view(magAt));
    into.power.set(view(powAt));
    if (!('re' in into)) return { ...into, re: view(reAt), im: view(imAt) };
    if (into.re.length !== cells || into.im.length !== cells) throw new RangeError('wasm STFT: output arrays of the wrong size');
    into.re.set(view(reAt));
    into.im.set(view(imAt));
    return into;
  };

  const hpssIstft: WasmStft['hpssIstft'] = ({ harm, perc, re, im, nFrames, hop, window, invWss, samples }, into) => {
    const cells = nFrames * nBins;
    const n = samples.length;
    const spanLength = size + hop * (nFrames - 1);
    if (window.length !== size || harm.length < cells || perc.length < cells || re.length < cells || im.length < cells || invWss.length < spanLength) {
      throw new RangeError('wasm HPSS: arrays shorter than their shapes');
    }
    // re and im straight from stftFrames are still in this memory: read in place, placed after
    const resident = (a: Float32Array): boolean => a.buffer === ex.memory.buffer && a.byteOffset >= m.top;
    const inPlace = resident(re) && resident(im);
    const area = placer(inPlace ? Math.max(re.byteOffset + 4 * cells, im.byteOffset + 4 * cells) : m.top);
    const harmAt = area.place(4 * cells);
    const percAt = area.place(4 * cells);
    const reAt = inPlace ? re.byteOffset : area.place(4 * cells);
    const imAt = inPlace ? im.byteOffset : area.place(4 * cells);
    const windowAt = area.place(4 * size);
    const invWssAt = area.place(4 * spanLength);
    const samplesAt = area.place(4 * n);
    const spanAt = area.place(4 * spanLength);
    const harmonicAt = area.place(4 * n);
    const percussiveAt = area.place(4 * n);
    ensureMemory(ex.memory, area.end());
    const buf = ex.memory.buffer;
    new Float32Array(buf, harmAt, cells).set(harm.subarray(0, cells));
    new Float32Array(buf, percAt, cells).set(perc.subarray(0, cells));
    if (!inPlace) {
      new Float32Array(buf, reAt, cells).set(re.subarray(0, cells));
      new Float32Array(buf, imAt, cells).set(im.subarray(0, cells));
    }
    // window / size: the inverse transform's 1 / size (a power of two, exact) folded in
    const windowN = new Float32Array(buf, windowAt, size);
    for (let j = 0; j < size; j++) windowN[j] = window[j]! / size;
    new Float32Array(buf, invWssAt, spanLength).set(invWss.subarray(0, spanLength));
    new Float32Array(buf, samplesAt, n).set(samples);
    ex.hpss_istft(harmAt, percAt, reAt, imAt, nFrames, log2n, hop, windowAt, invWssAt, samplesAt, n,
      batchAt, cosAt, sinAt, bitrevAt, spanAt, harmonicAt, percussiveAt);
    const harmonic = new Float32Array(buf, harmonicAt, n);
    const percussive = new Float32Array(buf, percussiveAt, n);
    if (into === undefined) return { harmonic: harmonic.slice(), percussive: percussive.slice() };
    if (into.harmonic.length !== n || into.percussive.length !== n) throw new RangeError('wasm HPSS: output arrays of the wrong size');
    into.harmonic.set(harmonic);
    into.percussive.set(percussive);
    return into;
  };

  const kernel: WasmStft = { stftFrames, hpssIstft };
  bySize.set(size, kernel);
  return kernel;
}
