import { complexFft, fftPath, type ComplexArray } from './fft-cache.js';
import { wasmStftFor } from './wasm/stft32-wasm.js';

/** STFT settings; librosa 0.7 defaults are nFft 2048 and hop 512. */
export interface StftConfig {
  /** Frame length in samples (a power of two). */
  nFft: number;
  /** Hop between frames in samples. */
  hopLength: number;
}

export const DEFAULT_STFT: StftConfig = { nFft: 2048, hopLength: 512 };

/**
 * A centred short-time Fourier transform, frame-major: bin `k` of frame `t` is at `t * nBins + k`.
 * `re`/`im` hold the complex values; `magnitude` is |X| and `power` |X|^2.
 */
export interface Spectrogram {
  re: Float32Array;
  im: Float32Array;
  magnitude: Float32Array;
  power: Float32Array;
  nFrames: number;
  /** nFft / 2 + 1 */
  nBins: number;
  nFft: number;
  hopLength: number;
}

const hannCache = new Map<number, Float64Array>();

/** Periodic Hann window of `length` samples (scipy `get_window('hann', n, fftbins=True)`), cached. */
export function periodicHann(length: number): Float64Array {
  let w = hannCache.get(length);
  if (!w) {
    w = new Float64Array(length);
    for (let n = 0; n < length; n++) w[n] = 0.5 - 0.5 * Math.cos((2 * Math.PI * n) / length);
    hannCache.set(length, w);
  }
  return w;
}

/** Index into `[0, length)` that numpy's 'reflect' padding (edge not repeated) reads for index `i`. */
export function reflectIndex(i: number, length: number): number {
  if (length === 1) return 0;
  const period = 2 * (length - 1);
  let j = i % period;
  if (j < 0) j += period;
  return j < length ? j : period - j;
}

/** Number of centred frames: 1 + floor(length / hop). */
export function frameCount(length: number, hopLength: number): number {
  return 1 + Math.floor(length / hopLength);
}

/**
 * Pads `samples` by `pad` on each side with numpy 'reflect' (or 'edge') padding, as librosa's
 * `center=True` does before framing. Writes into `into` (at least n + 2 pad long; the result is a
 * view of its start) instead of a new array when given.
 */
export function padSignal(samples: Float32Array, pad: number, mode: 'reflect' | 'edge', into?: Float32Array): Float32Array {
  const n = samples.length;
  const out = into === undefined ? new Float32Array(n + 2 * pad) : into.subarray(0, n + 2 * pad);
  if (out.length !== n + 2 * pad) throw new RangeError('padSignal: `into` is too short');
  out.set(samples, pad);
  for (let i = 0; i < pad; i++) {
    const left = -pad + i;
    const right = n + i;
    if (mode === 'reflect') {
      out[i] = samples[reflectIndex(left, n)] ?? 0;
      out[pad + n + i] = samples[reflectIndex(right, n)] ?? 0;
    } else {
      out[i] = samples[0] ?? 0;
      out[pad + n + i] = samples[n - 1] ?? 0;
    }
  }
  return out;
}

/**
 * Arrays that {@link stft} fills instead of allocating new ones, grown as needed and reused from
 * call to call: the windows of one track then cost no allocation (and no garbage collection).
 * What a call returns with a scratch is valid until the next call with the same scratch (with
 * `inKernel` and the WebAssembly transform, see there).
 */
export class StftScratch {
  /** The reflect-padded signal of the last call (its first n + nFft values: nFft / 2 each side). */
  padded: Float32Array = new Float32Array(0);

  /**
   * @param inKernel with the WebAssembly transform, the four spectrogram arrays and `padded` are
   *   views into the stft32 module's memory, where the kernel wrote them, instead of copies. They
   *   stay valid through the HPSS of this spectrogram (hpssSignals with the same samples reads
   *   them in place, and does not grow the memory, which would detach them: this call made the
   *   memory it needs exist) until the next STFT, or HPSS of another spectrogram, in that module.
   */
  constructor(readonly inKernel = false) {}

  private arrays = { re: new Float32Array(0), im: new Float32Array(0), magnitude: new Float32Array(0), power: new Float32Array(0) };
  private paddedStore = new Float32Array(0);

  /** The four spectrogram arrays, `size` cells each (views of reused buffers). */
  take(size: number): { re: Float32Array; im: Float32Array; magnitude: Float32Array; power: Float32Array } {
    if (this.arrays.re.length < size) {
      this.arrays = { re: new Float32Array(size), im: new Float32Array(size), magnitude: new Float32Array(size), power: new Float32Array(size) };
    }
    const { re, im, magnitude, power } = this.arrays;
    return { re: re.subarray(0, size), im: im.subarray(0, size), magnitude: magnitude.subarray(0, size), power: power.subarray(0, size) };
  }

  /** A reused buffer of at least `length` samples for the padded signal (it becomes {@link padded}). */
  paddedBuffer(length: number): Float32Array {
    if (this.paddedStore.length < length) this.paddedStore = new Float32Array(length);
    this.padded = this.paddedStore;
    return this.paddedStore;
  }
}

/**
 * librosa 0.7 `stft(y, n_fft, hop_length, window='hann', center=True, pad_mode='reflect')`,
 * with magnitude and power precomputed so that every feature shares one transform.
 * @param samples mono PCM in [-1, 1]
 * @param scratch arrays to reuse (see {@link StftScratch}); fresh arrays without it.
 */
export function stft(samples: Float32Array, config: StftConfig = DEFAULT_STFT, scratch?: StftScratch): Spectrogram {
  const { nFft, hopLength } = config;
  if (samples.length === 0) throw new RangeError('stft: empty signal');
  const pad = nFft >> 1;
  const nFrames = frameCount(samples.length, hopLength);
  const nBins = (nFft >> 1) + 1;
  const size = nFrames * nBins;
  const window = periodicHann(nFft);
  const wasm = fftPath.useWasm ? wasmStftFor(nFft) : null;
  if (wasm !== null && scratch?.inKernel) {
    // padded where the kernel reads it, and the spectrogram left where it wrote it: no copies
    scratch.padded = padSignal(samples, pad, 'reflect', wasm.paddedArea(samples.length, hopLength, nFrames));
    return { ...wasm.stftFrames(scratch.padded, window, hopLength, nFrames, 'in-kernel'), nFrames, nBins, nFft, hopLength };
  }
  const padded = padSignal(samples, pad, 'reflect', scratch?.paddedBuffer(samples.length + 2 * pad));
  if (wasm !== null) return { ...wasm.stftFrames(padded, window, hopLength, nFrames, scratch?.take(size)), nFrames, nBins, nFft, hopLength };
  const fft = complexFft(nFft);
  // Two frames per complex transform (a + i b): fft.js's complex transform costs less than two of
  // its real transforms. (wasm/stft32.c stft_frames is this loop in float32, eight frames at a
  // time: the float64 reference it is tested against.) Every cell is written.
  const [pair, out] = fft.buffers(2) as [ComplexArray, ComplexArray];
  const { re, im, magnitude, power } = scratch?.take(size) ?? {
    re: new Float32Array(size), im: new Float32Array(size), magnitude: new Float32Array(size), power: new Float32Array(size),
  };
  const spec = { re, im, magnitude, power, nFrames, nBins, nFft, hopLength };
  for (let t = 0; t < nFrames; t += 2) {
    const a = t * hopLength;
    const hasB = t + 1 < nFrames;
    const b = hasB ? a + hopLength : a;
    for (let n = 0; n < nFft; n++) {
      pair[2 * n] = padded[a + n]! * window[n]!;
      pair[2 * n + 1] = padded[b + n]! * window[n]!;
    }
    fft.transform(out, pair);
    storePair(spec, t, out, hasB);
  }
  return spec;
}

/**
 * Stores frames `t` and (when `hasB`) `t + 1` of `spec` from the packed transform Z = A + i B:
 * A[k] = (Z[k] + conj Z[N - k]) / 2 and B[k] = (Z[k] - conj Z[N - k]) / 2i. complex64 storage as
 * librosa: round first, then derive |X| and |X|^2 from the rounded parts.
 */
function storePair(spec: Spectrogram, t: number, z: ComplexArray, hasB: boolean): void {
  const { re, im, magnitude, power, nBins, nFft } = spec;
  const a = t * nBins;
  const b = a + nBins;
  for (let k = 0; k < nBins; k++) {
    const m = (nFft - k) & (nFft - 1);
    const zr = z[2 * k]!;
    const zi = z[2 * k + 1]!;
    const wr = z[2 * m]!;
    const wi = z[2 * m + 1]!;
    const ar = Math.fround(0.5 * (zr + wr));
    const ai = Math.fround(0.5 * (zi - wi));
    re[a + k] = ar;
    im[a + k] = ai;
    const pa = ar * ar + ai * ai;
    power[a + k] = pa;
    magnitude[a + k] = Math.sqrt(pa);
    if (!hasB) continue;
    const br = Math.fround(0.5 * (zi + wi));
    const bi = Math.fround(0.5 * (wr - zr));
    re[b + k] = br;
    im[b + k] = bi;
    const pb = br * br + bi * bi;
    power[b + k] = pb;
    magnitude[b + k] = Math.sqrt(pb);
  }
}
