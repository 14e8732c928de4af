/** Piptrack's peaks: pitch (Hz) and magnitude of each, frames then bins in ascending order. */
export interface TuningPeaks {
  pitches: Float32Array;
  mags: Float32Array;
}

/** The bins that piptrack searches for peaks: lo..hi, 150 Hz up to (excluding) 4 kHz, inside 1..nBins-2. */
export function peakBins(nBins: number, sampleRateHz: number, nFft: number): { lo: number; hi: number } {
  const binHz = sampleRateHz / nFft;
  const lo = Math.max(1, Math.ceil(150 / binHz));
  let hi = Math.min(nBins - 2, Math.ceil(Math.min(4000, sampleRateHz / 2) / binHz) - 1);
  while (hi >= lo && hi * binHz >= 4000) hi--;
  return { lo, hi };
}

/**
 * Tuning estimation as librosa 0.7 `estimate_tuning(S=power, sr, bins_per_octave=12)`: `piptrack`
 * peaks between 150 Hz and (excluding) 4 kHz above 0.1 x the column maximum, refined by parabolic
 * interpolation, kept where their magnitude is at least the median, then `pitch_tuning`.
 * @param spectrum frame-major (nFrames x nBins) spectrogram, the POWER spectrogram for chroma_stft
 * @returns deviation from A440 in fractions of a chroma bin, in [-0.5, 0.5)
 */
export function estimateTuning(spectrum: Float32Array, nFrames: number, nBins: number, sampleRateHz: number, nFft: number): number {
  return tuningFromPeaks(piptrackPeaks(spectrum, nFrames, nBins, sampleRateHz, nFft));
}

/** How many peaks {@link piptrackPeaks} can find in `nFrames` frames searched over bins lo..hi: at most one in two bins (a peak's right neighbour is not one). */
export function peakCapacity(nFrames: number, { lo, hi }: { lo: number; hi: number }): number {
  return hi < lo ? 0 : nFrames * ((hi - lo + 2) >> 1);
}

/** The peaks of the last call, reused (this module's own: views of them are valid until the next call). */
let peakScratch = new Float32Array(0);

/**
 * The peaks of {@link estimateTuning}: in each frame, the bins of {@link peakBins} that peak in the
 * column thresholded at 0.1 x its maximum (values at or below count as 0), refined by parabolic
 * interpolation. The JS reference of wasm/chroma.c `tuning_peaks` (same bits). The arrays are views
 * that the next call overwrites.
 */
export function piptrackPeaks(spectrum: Float32Array, nFrames: number, nBins: number, sampleRateHz: number, nFft: number): TuningPeaks {
  const { lo, hi } = peakBins(nBins, sampleRateHz, nFft);
  const capacity = peakCapacity(nFrames, { lo, hi });
  if (peakScratch.length < 2 * capacity) peakScratch = new Float32Array(2 * capacity);
  const pitches = peakScratch.subarray(0, capacity);
  const mags = peakScratch.subarray(capacity, 2 * capacity);
  let count = 0;
  for (let t = 0; t < nFrames && hi >= lo; t++) {
    const base = t * nBins;
    let max = 0;
    for (let k = 0; k < nBins; k++) if (spectrum[base + k]! > max) max = spectrum[base + k]!;
    const ref = Math.fround(0.1 * max);
    // a peak of the thresholded column: x > left, x >= right
    let left = spectrum[base + lo - 1]!;
    if (!(left > ref)) left = 0;
    let x = spectrum[base + lo]!;
    if (!(x > ref)) x = 0;
    for (let k = lo; k <= hi; k++) {
      let right = spectrum[base + k + 1]!;
      if (!(right > ref)) right = 0;
      const peak = x > left && x >= right;
      left = x;
      x = right;
      if (!peak) continue;
      const s0 = spectrum[base + k - 1]!;
      const s1 = spectrum[base + k]!;
      const s2 = spectrum[base + k + 1]!;
      const avg = Math.fround(0.5 * Math.fround(s2 - s0));
      let shift = Math.fround(Math.fround(2 * s1 - s2) - s0);
      shift = Math.fround(avg / (shift + (Math.abs(shift) < 1.1754943508222875e-38 ? 1 : 0)));
      pitches[count] = ((k + shift) * sampleRateHz) / nFft;
      mags[count] = s1 + Math.fround(Math.fround(0.5 * avg) * shift);
      count++;
    }
  }
  return { pitches: pitches.subarray(0, count), mags: mags.subarray(0, count) };
}

/** The working arrays of {@link tuningFromPeaks}, reused. */
let selectedScratch = new Float32Array(0);

/**
 * `estimate_tuning`'s last steps: the peaks of positive pitch whose magnitude is at least the
 * median magnitude of those, then {@link pitchTuning} of their pitches.
 */
export function tuningFromPeaks({ pitches, mags }: TuningPeaks): number {
  const n = pitches.length;
  if (selectedScratch.length < n) selectedScratch = new Float32Array(n);
  const positive = selectedScratch;
  let count = 0;
  for (let i = 0; i < n; i++) if (pitches[i]! > 0) positive[count++] = mags[i]!;
  const threshold = count > 0 ? median(positive.subarray(0, count)) : 0;
  const kept = selectedScratch;
  count = 0;
  for (let i = 0; i < n; i++) if (pitches[i]! > 0 && mags[i]! >= threshold) kept[count++] = pitches[i]!;
  return pitchTuning(kept.subarray(0, count), 0.01, 12);
}

/** numpy's median of float32 values (the mean of the middle two in float32); sorts `values` in place. */
function median(values: Float32Array): number {
  const sorted = values.sort();
  const mid = sorted.length >> 1;
  return sorted.length % 2 === 1 ? sorted[mid]! : Math.fround((sorted[mid - 1]! + sorted[mid]!) / 2);
}

/**
 * librosa `pitch_tuning(frequencies, resolution, bins_per_octave)`: histogram of each frequency's
 * deviation from the equal-tempered grid; returns the left edge of the fullest bin (0 when empty).
 */
export function pitchTuning(frequenciesHz: ArrayLike<number>, resolution = 0.01, binsPerOctave = 12): number {
  const nBins = Math.ceil(1 / resolution);
  const edges = new Float64Array(nBins + 1);
  const step = 1 / nBins;
  for (let i = 0; i <= nBins; i++) edges[i] = i === nBins ? 0.5 : i * step - 0.5;
  const counts = new Int32Array(nBins);
  let any = false;
  for (let i = 0; i < frequenciesHz.length; i++) {
    const f = frequenciesHz[i]!;
    if (!(f > 0)) continue;
    any = true;
    const octs = Math.fround(Math.log2(f / (440 / 16)));
    let residual = Math.fround(Math.fround(binsPerOctave * octs) % 1);
    if (residual < 0) residual = Math.fround(residual + 1);
    if (residual >= 0.5) residual = Math.fround(residual - 1);
    let idx = Math.floor((residual + 0.5) * nBins);
    if (idx >= nBins) idx = nBins - 1;
    if (idx < 0) idx = 0;
    if (residual < edges[idx]!) idx--;
    else if (idx < nBins - 1 && residual >= edges[idx + 1]!) idx++;
    counts[idx]!++;
  }
  if (!any) return 0;
  let best = 0;
  for (let i = 1; i < nBins; i++) if (counts[i]! > counts[best]!) best = i;
  return edges[best]!;
}
