import FFT from 'fft.js';
import { wasmFftFor } from './wasm/fft-wasm.js';

const ffts = new Map<number, FFT>();

/** A cached fft.js instance for `size` (a power of two >= 4); planning tables are built once. */
export function fftOf(size: number): FFT {
  let fft = ffts.get(size);
  if (!fft) {
    if (size < 4 || (size & (size - 1)) !== 0) throw new RangeError(`FFT size must be a power of two >= 4, got ${size}`);
    fft = new FFT(size);
    ffts.set(size, fft);
  }
  return fft;
}

/** An interleaved complex array (re, im): fft.js's plain array or a view into the wasm FFT's memory. */
export type ComplexArray = number[] | Float64Array;

/** fft.js's forward complex transform with its scratch arrays. */
export interface ComplexFft {
  /** `count` (at most 4) complex arrays of this size, shared by every user of the size: take them at the start of each use. */
  buffers(count: number): ComplexArray[];
  /** fft.js `transform(out, data)` on two distinct arrays from {@link buffers}. */
  transform(out: ComplexArray, data: ComplexArray): void;
}

/**
 * Whether the WebAssembly transforms run when they load (true), or the JS references (false, for
 * tests): {@link complexFft} (wasm/fft.c, bit-identical to fft.js, about twice as fast) and the
 * float32 STFT and HPSS inverse STFT of wasm/stft32.c (within the bounds stft32.test.ts checks).
 */
export const fftPath = { useWasm: true };

const jsFfts = new Map<number, ComplexFft>();

/** The forward complex transform of `size` points: the wasm port of fft.js when available, fft.js otherwise; same bits either way. */
export function complexFft(size: number): ComplexFft {
  const fft = fftOf(size);
  const wasm = fftPath.useWasm ? wasmFftFor(fft) : null;
  if (wasm !== null) return wasm;
  let js = jsFfts.get(size);
  if (!js) {
    // fft.js runs faster on its own plain arrays than on typed arrays
    const arrays = Array.from({ length: 4 }, () => fft.createComplexArray() as number[]);
    js = {
      buffers: (count: number): ComplexArray[] => arrays.slice(0, count),
      transform: (out: ComplexArray, data: ComplexArray): void => fft.transform(out, data),
    };
    jsFfts.set(size, js);
  }
  return js;
}
