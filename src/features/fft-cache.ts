import FFT from 'fft.js';

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
