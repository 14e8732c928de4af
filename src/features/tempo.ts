import { complexFft, fftOf, fftPath, type ComplexArray } from './fft-cache.js';
import { wasmFftFor } from './wasm/fft-wasm.js';
import { onsetKernel } from './wasm/onset-wasm.js';
import { periodicHann } from './stft.js';

/**
 * librosa 0.7 `onset.onset_strength(S=..., aggregate=np.median)` on a frame-major log-mel
 * spectrogram in dB (already floored at max - 80 dB): positive first difference along time,
 * MEDIAN across bands, 1 + nFft / (2 hop) zero frames prepended, trimmed to nFrames.
 */
export function onsetStrength(logMel: Float32Array, nFrames: number, nMels: number, nFft = 2048, hopLength = 512): Float64Array {
  const out = new Float64Array(nFrames);
  const lead = 1 + Math.floor(nFft / (2 * hopLength));
  const kernel = onsetPath.useWasm ? onsetKernel() : null;
  if (kernel !== null) {
    // wasm/onset.c: this loop, the same medians
    kernel.strength(logMel, nFrames, nMels, lead, out);
    return out;
  }
  const positive = new Float32Array(nMels);
  // the median of the rectified differences is the mean of sorted elements lo and hi (equal when
  // nMels is odd); the zeros come first, so only the positive differences need sorting
  const hi = nMels >> 1;
  const lo = nMels % 2 === 1 ? hi : hi - 1;
  for (let t = 1; t < nFrames; t++) {
    const target = t - 1 + lead;
    if (target >= nFrames) break;
    const cur = t * nMels;
    const prev = (t - 1) * nMels;
    let count = 0;
    for (let m = 0; m < nMels; m++) {
      const d = Math.fround(logMel[cur + m]! - logMel[prev + m]!);
      if (d > 0) positive[count++] = d;
    }
    const zeros = nMels - count;
    if (hi < zeros) continue; // both middle elements are 0
    // the order statistic hi - zeros of the positive differences; lo's (when it differs) is the
    // largest value left of it after the selection
    const k = hi - zeros;
    const b = selectInPlace(positive, count, k);
    let a = 0;
    if (lo !== hi && lo >= zeros) for (let i = 0; i < k; i++) if (positive[i]! > a) a = positive[i]!;
    out[target] = lo === hi ? b : Math.fround((a + b) / 2);
  }
  return out;
}

/** Which path {@link onsetStrength} takes: wasm/onset.c (same bits) when it loads, else JS. */
export const onsetPath = { useWasm: true };

/**
 * The k-th smallest (0-based) of `values[0..n)`, by quickselect with a median-of-three pivot:
 * afterwards values[k] holds it, with nothing larger before it and nothing smaller after it.
 * Allocation-free and about three times cheaper than sorting the 128 bands' differences.
 */
function selectInPlace(values: Float32Array, n: number, k: number): number {
  let left = 0;
  let right = n - 1;
  while (right > left) {
    const mid = (left + right) >> 1;
    // order values[left], values[mid], values[right]; the median of the three becomes the pivot
    if (values[mid]! < values[left]!) swap(values, mid, left);
    if (values[right]! < values[left]!) swap(values, right, left);
    if (values[right]! < values[mid]!) swap(values, right, mid);
    const pivot = values[mid]!;
    let i = left;
    let j = right;
    while (i <= j) {
      while (values[i]! < pivot) i++;
      while (values[j]! > pivot) j--;
      if (i <= j) {
        swap(values, i, j);
        i++;
        j--;
      }
    }
    if (k <= j) right = j;
    else if (k >= i) left = i;
    else break;
  }
  return values[k]!;
}

function swap(values: Float32Array, i: number, j: number): void {
  const v = values[i]!;
  values[i] = values[j]!;
  values[j] = v;
}

/**
 * Tempo (beats per minute) as estimated inside librosa 0.7 `beat.beat_track` (`beat.tempo` with
 * start_bpm 120, std_bpm 1, max_tempo 320, ac_size 8 s): tempogram of the onset envelope (periodic
 * Hann window of ac_size, linear-ramp padding, FFT autocorrelation, each frame divided by its
 * maximum), averaged over time, weighted by a log-normal prior; 0 for a silent envelope.
 */
export function estimateTempo(onset: Float64Array, sampleRateHz = 22050, hopLength = 512, startBpm = 120, stdBpm = 1, maxTempoBpm = 320, acSizeS = 8): number {
  let anyOnset = false;
  for (const v of onset) if (v !== 0) anyOnset = true;
  if (!anyOnset) return 0;
  const winLength = Math.floor((acSizeS * sampleRateHz) / hopLength);
  const mean = meanTempogram(onset, winLength);
  const framesPerMinute = (60 * sampleRateHz) / hopLength;
  let best = -1;
  let bestScore = -Infinity;
  for (let lag = 1; lag < winLength; lag++) {
    const bpm = framesPerMinute / lag;
    if (!(bpm < maxTempoBpm)) continue;
    const prior = -0.5 * ((Math.log2(bpm) - Math.log2(startBpm)) / stdBpm) ** 2;
    const score = Math.log1p(1e6 * mean[lag]!) + prior;
    if (score > bestScore) {
      bestScore = score;
      best = lag;
    }
  }
  return best > 0 ? framesPerMinute / best : 0;
}

/**
 * Time average of librosa's `tempogram(onset_envelope, win_length, center=True, norm=inf)`:
 * for every frame, the autocorrelation (lags 0..winLength-1) of the Hann-windowed onset excerpt
 * centred on it, divided by its maximum (all-zero frames stay zero).
 */
export function meanTempogram(onset: Float64Array, winLength: number): Float64Array {
  const n = onset.length;
  const pad = winLength >> 1;
  const padded = new Float64Array(n + 2 * pad);
  padded.set(onset, pad);
  // numpy linear_ramp towards 0: left from 0 up to the first value, right down from the last
  const first = onset[0] ?? 0;
  const last = onset[n - 1] ?? 0;
  for (let i = 0; i < pad; i++) {
    padded[i] = (first * i) / pad;
    padded[pad + n + i] = (last * (pad - 1 - i)) / pad;
  }
  let size = 4;
  while (size < 2 * winLength) size *= 2;
  const window = periodicHann(winLength);
  // the loop below in wasm/fft.c (tempogram_mean), operation for operation: the same bits
  const wasm = fftPath.useWasm && n > 0 ? wasmFftFor(fftOf(size)) : null;
  if (wasm !== null) return wasm.tempogramMean(padded, n, winLength, window);
  const fft = complexFft(size);
  // Two frames per complex transform (a + i b), twice: fft.js's complex transform of two frames
  // costs less than two of its real transforms.
  const [pair, spectrum, powers, acf] = fft.buffers(4) as [ComplexArray, ComplexArray, ComplexArray, ComplexArray];
  pair.fill(0);
  const sum = new Float64Array(winLength);
  for (let t = 0; t < n; t += 2) {
    const hasB = t + 1 < n;
    for (let j = 0; j < winLength; j++) {
      pair[2 * j] = padded[t + j]! * window[j]!;
      pair[2 * j + 1] = hasB ? padded[t + 1 + j]! * window[j]! : 0;
    }
    fft.transform(spectrum, pair);
    // |A[k]|^2 and |B[k]|^2 from Z = A + i B: A[k] = (Z[k] + conj Z[-k]) / 2, B[k] = (Z[k] - conj Z[-k]) / 2i
    for (let k = 0; k < size; k++) {
      const m = (size - k) & (size - 1);
      const zr = spectrum[2 * k]!;
      const zi = spectrum[2 * k + 1]!;
      const wr = spectrum[2 * m]!;
      const wi = spectrum[2 * m + 1]!;
      const ar = 0.5 * (zr + wr);
      const ai = 0.5 * (zi - wi);
      const br = 0.5 * (zi + wi);
      const bi = 0.5 * (wr - zr);
      powers[2 * k] = ar * ar + ai * ai;
      powers[2 * k + 1] = br * br + bi * bi;
    }
    // each power spectrum is real and even, so its transform is real: N times its autocorrelation
    // (a factor that the per-frame normalisation cancels), A's in the real parts, B's in the imaginary
    fft.transform(acf, powers);
    accumulateNormalised(acf, 0, winLength, sum);
    if (hasB) accumulateNormalised(acf, 1, winLength, sum);
  }
  for (let lag = 0; lag < winLength; lag++) sum[lag]! /= n;
  return sum;
}

/** Adds `acf[2 lag + part] / max |acf|` for lags below winLength to `sum` (nothing for an all-zero frame). */
function accumulateNormalised(acf: ComplexArray, part: number, winLength: number, sum: Float64Array): void {
  let max = 0;
  for (let lag = 0; lag < winLength; lag++) {
    const v = Math.abs(acf[2 * lag + part]!);
    if (v > max) max = v;
  }
  if (max < 1.1754943508222875e-38) return;
  for (let lag = 0; lag < winLength; lag++) sum[lag]! += acf[2 * lag + part]! / max;
}
