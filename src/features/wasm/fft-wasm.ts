import { ensureMemory, instantiateKernel, memoKernel, type KernelExports } from './load.js';
import type FFT from 'fft.js';

/**
 * fft.js's forward complex transform compiled to WebAssembly (fft.c, built to the committed
 * fft.wasm by `npm run build:wasm`): the same operations in the same order on the same twiddle
 * table, so the same bits, with one complex value per f64x2 and without JS's bounds checks. Each transform size gets its
 * own table and scratch arrays in the module's memory.
 */
export interface WasmFft {
  /**
   * `count` complex arrays (2 size doubles, re/im interleaved) in the module's memory, the same
   * ones on every call for this size: scratch that later users of the size overwrite. Take them
   * again after creating another size (growing the memory detaches earlier views).
   */
  buffers(count: number): Float64Array[];
  /** fft.js `transform(out, data)` on two distinct arrays from {@link buffers}. */
  transform(out: Float64Array, data: Float64Array): void;
  /**
   * The frame loop of stft.ts in wasm (fft.c stft_frames): nFrames frames of `padded` hop apart,
   * times `window` (nFft = this size), as float32 arrays (frame-major nFrames x nBins): copied
   * into `into` (nFrames x nBins cells each) when given, else fresh. When `into` has no `re` and
   * `im`, those two are returned as views into the module's memory instead of copies: valid until
   * the next call of this kernel (or a growth of its memory), and read in place by
   * {@link hpssIstft}, which spares copying them out and back in.
   */
  stftFrames(padded: Float32Array, window: Float64Array, hop: number, nFrames: number, into?: SpectrumArrays | MagnitudePower): SpectrumArrays;
  /**
   * hpss.ts hpssSignals after the median filters, in wasm (fft.c hpss_istft): H and P frame-major
   * (nFrames x nBins), `window` the periodic Hann window and `wss` its sum-square; copied into
   * `into` (as long as the samples) when given, else fresh.
   */
  hpssIstft(args: HpssIstftArgs, into?: { harmonic: Float32Array; percussive: Float32Array }): { harmonic: Float32Array; percussive: Float32Array };
  /**
   * tempo.ts meanTempogram after its padding, in wasm (fft.c tempogram_mean): `padded` holds the
   * n + 2 (winLength >> 1) padded onset values, `window` the Hann window of winLength; this
   * size must be at least 2 winLength. A fresh array of winLength means.
   */
  tempogramMean(padded: Float64Array, n: number, winLength: number, window: Float64Array): Float64Array;
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

/** The inputs of {@link WasmFft.hpssIstft}. */
export interface HpssIstftArgs {
  harm: Float32Array;
  perc: Float32Array;
  re: Float32Array;
  im: Float32Array;
  nFrames: number;
  hop: number;
  window: Float64Array;
  wss: Float64Array;
  samples: Float32Array;
}

interface Exports extends KernelExports {
  fft_transform: (out: number, data: number, twiddles: number, bitrev: number, csize: number, width: number) => void;
  hpss_istft: (...args: number[]) => void;
  tempogram_mean: (...args: number[]) => void;
  stft_frames: (padded: number, window: number, pair: number, out: number, twiddles: number, bitrev: number, width: number,
    nFft: number, hop: number, nFrames: number, re: number, im: number, magnitude: number, power: number) => void;
}

export const FFT_WASM_URL = new URL('./fft.wasm', import.meta.url);
/** Scratch arrays per size (stft 2, tempogram 4). */
const MAX_BUFFERS = 4;

const bySize = new Map<number, WasmFft>();

const load = memoKernel((): { ex: Exports; top: number } => {
  const { exports: ex, heapBase } = instantiateKernel<Exports>(FFT_WASM_URL);
  return { ex, top: heapBase };
});

/** The wasm transform for `fft` (an fft.js instance of that size: its table and bit reversal), or null without WebAssembly. */
export function wasmFftFor(fft: FFT): WasmFft | null {
  const size = fft.size;
  const cached = bySize.get(size);
  if (cached) return cached;
  const m = load();
  if (m === null) return null;
  const { ex } = m;
  const internals = fft as unknown as { table: number[]; _bitrev: number[]; _width: number };
  const csize = 2 * size;
  // per table entry t = (cos, -sin): the vectors (t_r, t_r) and (-t_i, t_i) of fft.c's cmul
  const table = internals.table;
  const twiddles = new Float64Array(2 * table.length);
  for (let j = 0; j < table.length; j += 2) {
    twiddles[2 * j] = table[j]!;
    twiddles[2 * j + 1] = table[j]!;
    twiddles[2 * j + 2] = -table[j + 1]!;
    twiddles[2 * j + 3] = table[j + 1]!;
  }
  const tableAt = m.top;
  const bitrevAt = tableAt + 8 * twiddles.length;
  const buffersAt = (bitrevAt + 4 * internals._bitrev.length + 15) & ~15;
  m.top = buffersAt + MAX_BUFFERS * 8 * csize;
  ensureMemory(ex.memory, m.top);
  new Float64Array(ex.memory.buffer, tableAt, twiddles.length).set(twiddles);
  new Int32Array(ex.memory.buffer, bitrevAt, internals._bitrev.length).set(internals._bitrev);
  const width = internals._width;
  const stftFrames: WasmFft['stftFrames'] = (padded, window, hop, nFrames, into) => {
    const nBins = (size >> 1) + 1;
    const cells = nFrames * nBins;
    if (window.length !== size || nFrames < 1 || padded.length < (nFrames - 1) * hop + size) throw new RangeError('wasm STFT: signal shorter than its frames');
    // transient work area above everything allocated so far (a later size may reuse it)
    const align = (x: number): number => (x + 15) & ~15;
    const windowAt = m.top;
    const paddedAt = align(windowAt + 8 * size);
    const reAt = align(paddedAt + 4 * padded.length);
    const imAt = align(reAt + 4 * cells);
    const magAt = align(imAt + 4 * cells);
    const powAt = align(magAt + 4 * cells);
    const need = powAt + 4 * cells;
    ensureMemory(ex.memory, need);
    const buf = ex.memory.buffer;
    new Float64Array(buf, windowAt, size).set(window);
    new Float32Array(buf, paddedAt, padded.length).set(padded);
    ex.stft_frames(paddedAt, windowAt, buffersAt, buffersAt + 8 * csize, tableAt, bitrevAt, width, size, hop, nFrames, reAt, imAt, magAt, powAt);
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
  const hpssIstft: WasmFft['hpssIstft'] = ({ harm, perc, re, im, nFrames, hop, window, wss, samples }, into) => {
    const nBins = (size >> 1) + 1;
    const cells = nFrames * nBins;
    const n = samples.length;
    if (window.length !== size || harm.length < cells || perc.length < cells || re.length < cells || im.length < cells) throw new RangeError('wasm HPSS: arrays shorter than their shapes');
    const align = (x: number): number => (x + 15) & ~15;
    // re and im straight from stftFrames are still in this memory: read in place, placed after
    const resident = (a: Float32Array): boolean => a.buffer === ex.memory.buffer && a.byteOffset >= m.top;
    const inPlace = resident(re) && resident(im);
    let at = inPlace ? align(Math.max(re.byteOffset + 4 * cells, im.byteOffset + 4 * cells)) : m.top;
    const place = (bytes: number): number => {
      const here = at;
      at = align(at + bytes);
      return here;
    };
    const harmAt = place(4 * cells);
    const percAt = place(4 * cells);
    const reAt = inPlace ? re.byteOffset : place(4 * cells);
    const imAt = inPlace ? im.byteOffset : place(4 * cells);
    const windowAAt = place(8 * size);
    const windowBAt = place(8 * size);
    const wssAt = place(8 * wss.length);
    const samplesAt = place(4 * n);
    const accAt = place(8 * size);
    const maskAt = place(8 * nBins);
    const harmonicAt = place(4 * n);
    const percussiveAt = place(4 * n);
    ensureMemory(ex.memory, at);
    const buf = ex.memory.buffer;
    new Float32Array(buf, harmAt, cells).set(harm.subarray(0, cells));
    new Float32Array(buf, percAt, cells).set(perc.subarray(0, cells));
    if (!inPlace) {
      new Float32Array(buf, reAt, cells).set(re.subarray(0, cells));
      new Float32Array(buf, imAt, cells).set(im.subarray(0, cells));
    }
    const wa = new Float64Array(buf, windowAAt, size);
    const wb = new Float64Array(buf, windowBAt, size);
    for (let j = 0; j < size; j++) {
      wa[j] = window[j]! / size;
      wb[j] = -window[j]! / size;
    }
    new Float64Array(buf, wssAt, wss.length).set(wss);
    new Float32Array(buf, samplesAt, n).set(samples);
    ex.hpss_istft(harmAt, percAt, reAt, imAt, nFrames, size, hop, windowAAt, windowBAt, wssAt, samplesAt, n,
      buffersAt, buffersAt + 8 * csize, tableAt, bitrevAt, width, accAt, maskAt, harmonicAt, percussiveAt);
    const harmonic = new Float32Array(buf, harmonicAt, n);
    const percussive = new Float32Array(buf, percussiveAt, n);
    if (into === undefined) return { harmonic: harmonic.slice(), percussive: percussive.slice() };
    if (into.harmonic.length !== n || into.percussive.length !== n) throw new RangeError('wasm HPSS: output arrays of the wrong size');
    into.harmonic.set(harmonic);
    into.percussive.set(percussive);
    return into;
  };
  const tempogramMean: WasmFft['tempogramMean'] = (padded, n, winLength, window) => {
    if (window.length !== winLength || 2 * winLength > size || padded.length < n + 2 * (winLength >> 1) || n < 1) throw new RangeError('wasm tempogram: arrays shorter than their shapes');
    const align = (x: number): number => (x + 15) & ~15;
    const paddedAt = m.top;
    const windowAt = align(paddedAt + 8 * padded.length);
    const sumAt = align(windowAt + 8 * winLength);
    ensureMemory(ex.memory, sumAt + 8 * winLength);
    const buf = ex.memory.buffer;
    new Float64Array(buf, paddedAt, padded.length).set(padded);
    new Float64Array(buf, windowAt, winLength).set(window);
    const scratch = (i: number): number => buffersAt + i * 8 * csize;
    ex.tempogram_mean(paddedAt, n, winLength, windowAt, scratch(0), scratch(1), scratch(2), scratch(3), tableAt, bitrevAt, width, size, sumAt);
    return new Float64Array(buf, sumAt, winLength).slice();
  };
  let views: Float64Array[] = [];
  const kernel: WasmFft = {
    stftFrames,
    hpssIstft,
    tempogramMean,
    buffers(count: number): Float64Array[] {
      if (count > MAX_BUFFERS) throw new RangeError(`wasm FFT: at most ${MAX_BUFFERS} buffers`);
      if (views.length === 0 || views[0]!.buffer !== ex.memory.buffer) {
        views = Array.from({ length: MAX_BUFFERS }, (_, i) => new Float64Array(ex.memory.buffer, buffersAt + i * 8 * csize, csize));
      }
      return views.slice(0, count);
    },
    transform(out: Float64Array, data: Float64Array): void {
      if (out.buffer !== ex.memory.buffer || data.buffer !== ex.memory.buffer || out === data) throw new RangeError('wasm FFT: two distinct arrays from buffers()');
      ex.fft_transform(out.byteOffset, data.byteOffset, tableAt, bitrevAt, csize, width);
    },
  };
  bySize.set(size, kernel);
  return kernel;
}
