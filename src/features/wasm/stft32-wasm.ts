import { ensureMemory } from './load.js';
import { floatsAt, stage, stft32Module, tablesFor, workspace } from './stft32-module.js';

/**
 * The STFT frame loop of stft.ts and the inverse STFT of hpss.ts in float32 WebAssembly
 * (stft32.c on fft32.h, in the stft32 module of stft32-module.ts): eight frames per batch, four
 * complex transforms in the f32x4 lanes. Not bit-identical to the float64 JS paths they replace,
 * which stay as the reference and fallback: the bounds are in stft32.test.ts. Each transform size
 * gets its own tables and batch buffer in the module's memory; a call's arrays live in the
 * module's workspace, where the next call of the module (STFT, median filter or inverse STFT, of
 * any shape) may overwrite them.
 */
export interface WasmStft {
  /**
   * The workspace's padded-signal array for `nSamples` samples (nSamples + nFft values): pad
   * into it and {@link stftFrames} reads it in place. Makes the memory that the STFT and the HPSS
   * of such a signal need exist now, so that neither grows it (which would detach this view and
   * the spectrogram's). Valid until the next call of the module.
   */
  paddedArea(nSamples: number, hop: number, nFrames: number): Float32Array;
  /**
   * nFrames frames of `padded`, hop apart (padded.length - nFft samples, the padding excluded),
   * times `window` (nFft = this size), transformed, as float32 arrays (frame-major nFrames x
   * nBins): copied into `into` (nFrames x nBins cells each) when given, fresh when undefined, and
   * with 'in-kernel' the workspace's own arrays: views valid until the next call of the module,
   * which {@link hpssIstft} and the median filters of the same spectrogram read in place.
   */
  stftFrames(padded: Float32Array, window: Float64Array, hop: number, nFrames: number, into?: SpectrumArrays | 'in-kernel'): SpectrumArrays;
  /**
   * hpss.ts hpssSignals after the median filters: H and P frame-major (nFrames x nBins),
   * `window` the periodic Hann window and `invWss` the reciprocal of its sum-square (1 where that
   * is below float32's tiny); copied into `into` (as long as the samples) when given, else fresh.
   * H, P, re and im that are already where the workspace keeps them are read in place.
   */
  hpssIstft(args: HpssIstftArgs, into?: { harmonic: Float32Array; percussive: Float32Array }): { harmonic: Float32Array; percussive: Float32Array };
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

/** The smallest transform the kernels take (they move bins four at a time). */
const WASM_STFT_MIN_SIZE = 8;

const bySize = new Map<number, WasmStft>();

/**
 * The float32 STFT kernels for transforms of `size` points, or null without WebAssembly or for a
 * size they do not take (not a power of two >= {@link WASM_STFT_MIN_SIZE}): the JS path then runs.
 */
export function wasmStftFor(size: number): WasmStft | null {
  const cached = bySize.get(size);
  if (cached) return cached;
  if (size < WASM_STFT_MIN_SIZE || (size & (size - 1)) !== 0) return null;
  const m = stft32Module();
  if (m === null) return null;
  const { ex } = m;
  const { log2n, cos: cosAt, sin: sinAt, bitrev: bitrevAt, batch: batchAt } = tablesFor(m, size);
  const paddedArea: WasmStft['paddedArea'] = (nSamples, hop, nFrames) => {
    const ws = workspace(m, { size, hop, nFrames, nSamples });
    ensureMemory(ex.memory, ws.end);
    return floatsAt(m, ws.padded, nSamples + size);
  };

  const stftFrames: WasmStft['stftFrames'] = (padded, window, hop, nFrames, into) => {
    if (window.length !== size || nFrames < 1 || padded.length < (nFrames - 1) * hop + size) throw new RangeError('wasm STFT: signal shorter than its frames');
    const ws = workspace(m, { size, hop, nFrames, nSamples: padded.length - size });
    const { cells } = ws;
    if (typeof into === 'object' && [into.re, into.im, into.magnitude, into.power].some((a) => a.length !== cells)) throw new RangeError('wasm STFT: output arrays of the wrong size');
    // the HPSS of this signal's spectrogram fits too: it does not grow the memory (see paddedArea)
    stage(m, ws.end, [[padded, ws.padded, padded.length]]);
    // the window halved (exactly): the 1/2 of splitting a + i b into a and b is folded into it
    const halfWindow = floatsAt(m, ws.window, size);
    for (let j = 0; j < size; j++) halfWindow[j] = 0.5 * window[j]!;
    ex.stft_frames(ws.padded, ws.window, batchAt, cosAt, sinAt, bitrevAt, log2n, hop, nFrames, ws.re, ws.im, ws.magnitude, ws.power);
    const spectrum = { re: floatsAt(m, ws.re, cells), im: floatsAt(m, ws.im, cells), magnitude: floatsAt(m, ws.magnitude, cells), power: floatsAt(m, ws.power, cells) };
    if (into === 'in-kernel') return spectrum;
    if (into === undefined) return { re: spectrum.re.slice(), im: spectrum.im.slice(), magnitude: spectrum.magnitude.slice(), power: spectrum.power.slice() };
    for (const key of ['re', 'im', 'magnitude', 'power'] as const) into[key].set(spectrum[key]);
    return into;
  };

  const hpssIstft: WasmStft['hpssIstft'] = ({ harm, perc, re, im, nFrames, hop, window, invWss, samples }, into) => {
    const n = samples.length;
    const ws = workspace(m, { size, hop, nFrames, nSamples: n });
    const { cells, span } = ws;
    if (window.length !== size || harm.length < cells || perc.length < cells || re.length < cells || im.length < cells || invWss.length < span) {
      throw new RangeError('wasm HPSS: arrays shorter than their shapes');
    }
    if (into !== undefined && (into.harmonic.length !== n || into.percussive.length !== n)) throw new RangeError('wasm HPSS: output arrays of the wrong size');
    // H and P from the median filters, re and im from stftFrames 'in-kernel': already in place
    stage(m, ws.end, [[harm, ws.harm, cells], [perc, ws.perc, cells], [re, ws.re, cells], [im, ws.im, cells], [invWss, ws.invWss, span], [samples, ws.samples, n]]);
    // window / size: the inverse transform's 1 / size (a power of two, exact) folded in
    const windowN = floatsAt(m, ws.window, size);
    for (let j = 0; j < size; j++) windowN[j] = window[j]! / size;
    ex.hpss_istft(ws.harm, ws.perc, ws.re, ws.im, nFrames, log2n, hop, ws.window, ws.invWss, ws.samples, n,
      batchAt, cosAt, sinAt, bitrevAt, ws.y, ws.harmonic, ws.percussive);
    const harmonic = floatsAt(m, ws.harmonic, n);
    const percussive = floatsAt(m, ws.percussive, n);
    if (into === undefined) return { harmonic: harmonic.slice(), percussive: percussive.slice() };
    into.harmonic.set(harmonic);
    into.percussive.set(percussive);
    return into;
  };

  const kernel: WasmStft = { paddedArea, stftFrames, hpssIstft };
  bySize.set(size, kernel);
  return kernel;
}
