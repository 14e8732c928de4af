import { melKernel, type MelFilterbank } from './wasm/mel-wasm.js';

export type { MelFilterbank };

/** Slaney-style mel scale (librosa `htk=False`): linear below 1 kHz, logarithmic above. */
const F_SP = 200 / 3;
const MIN_LOG_HZ = 1000;
const MIN_LOG_MEL = MIN_LOG_HZ / F_SP;
const LOGSTEP = Math.log(6.4) / 27;

/** Hertz to Slaney mels. */
export function hzToMel(hz: number): number {
  return hz >= MIN_LOG_HZ ? MIN_LOG_MEL + Math.log(hz / MIN_LOG_HZ) / LOGSTEP : hz / F_SP;
}

/** Slaney mels to hertz. */
export function melToHz(mel: number): number {
  return mel >= MIN_LOG_MEL ? MIN_LOG_HZ * Math.exp(LOGSTEP * (mel - MIN_LOG_MEL)) : F_SP * mel;
}


const cache = new Map<string, MelFilterbank>();

/**
 * librosa 0.7 `filters.mel(sr, n_fft, n_mels, fmin=0, fmax=sr/2, htk=False, norm=1)`: triangular
 * filters on the Slaney scale, each scaled by 2 / (upper - lower edge in Hz) (equal area). Cached.
 */
export function melFilterbank(sampleRateHz: number, nFft: number, nMels = 128, fMinHz = 0, fMaxHz = sampleRateHz / 2): MelFilterbank {
  const key = `${sampleRateHz}/${nFft}/${nMels}/${fMinHz}/${fMaxHz}`;
  const hit = cache.get(key);
  if (hit) return hit;
  const nBins = (nFft >> 1) + 1;
  const melMin = hzToMel(fMinHz);
  const melMax = hzToMel(fMaxHz);
  const edges = new Float64Array(nMels + 2);
  // numpy linspace: start + i * step, last point exactly the stop
  const step = (melMax - melMin) / (nMels + 1);
  for (let i = 0; i < nMels + 2; i++) edges[i] = melToHz(i === nMels + 1 ? melMax : melMin + i * step);
  const binHz = new Float64Array(nBins);
  for (let k = 0; k < nBins; k++) binHz[k] = (k * (sampleRateHz / 2)) / (nBins - 1);
  const start = new Int32Array(nMels);
  const end = new Int32Array(nMels);
  const offset = new Int32Array(nMels);
  const rows: Float32Array[] = [];
  let total = 0;
  for (let m = 0; m < nMels; m++) {
    const lo = edges[m]!;
    const mid = edges[m + 1]!;
    const hi = edges[m + 2]!;
    const enorm = 2 / (hi - lo);
    const row = new Float32Array(nBins);
    let first = -1;
    let last = -1;
    for (let k = 0; k < nBins; k++) {
      const lower = (binHz[k]! - lo) / (mid - lo);
      const upper = (hi - binHz[k]!) / (hi - mid);
      const w = Math.max(0, Math.min(lower, upper));
      if (w > 0) {
        // float32 weights as librosa, then the float32 normalisation
        row[k] = Math.fround(Math.fround(w) * enorm);
        if (first < 0) first = k;
        last = k;
      }
    }
    start[m] = first < 0 ? 0 : first;
    end[m] = first < 0 ? 0 : last + 1;
    offset[m] = total;
    total += end[m]! - start[m]!;
    rows.push(row);
  }
  const weights = new Float32Array(total);
  for (let m = 0; m < nMels; m++) weights.set(rows[m]!.subarray(start[m], end[m]), offset[m]);
  const bank = { nMels, nBins, start, end, offset, weights };
  cache.set(key, bank);
  return bank;
}

/**
 * Applies `bank` to a frame-major power spectrogram (nFrames x nBins); returns frame-major
 * mel power (nFrames x nMels), written into `into` (exactly nFrames x nMels long) when given.
 */
export function applyMel(power: Float32Array, nFrames: number, bank: MelFilterbank, into?: Float32Array): Float32Array {
  const { nMels, nBins, start, end, offset, weights } = bank;
  if (into !== undefined && into.length !== nFrames * nMels) throw new RangeError('applyMel: `into` must hold nFrames x nMels values');
  const out = into ?? new Float32Array(nFrames * nMels);
  const kernel = melPath.useWasm ? melKernel() : null;
  if (kernel !== null) {
    // wasm/mel.c: this loop, eight frames at a time, the same bits
    kernel.apply(power, nFrames, bank, out);
    return out;
  }
  let t = 0;
  // four frames at once: four independent sums, each in the same order as one at a time
  for (; t + 4 <= nFrames; t += 4) {
    const b0 = t * nBins;
    const b1 = b0 + nBins;
    const b2 = b1 + nBins;
    const b3 = b2 + nBins;
    for (let m = 0; m < nMels; m++) {
      const s = start[m]!;
      const e = end[m]!;
      const w = offset[m]! - s;
      let a0 = 0, a1 = 0, a2 = 0, a3 = 0;
      for (let k = s; k < e; k++) {
        const wk = weights[w + k]!;
        a0 += wk * power[b0 + k]!;
        a1 += wk * power[b1 + k]!;
        a2 += wk * power[b2 + k]!;
        a3 += wk * power[b3 + k]!;
      }
      out[t * nMels + m] = a0;
      out[(t + 1) * nMels + m] = a1;
      out[(t + 2) * nMels + m] = a2;
      out[(t + 3) * nMels + m] = a3;
    }
  }
  for (; t < nFrames; t++) {
    const base = t * nBins;
    for (let m = 0; m < nMels; m++) {
      const s = start[m]!;
      const e = end[m]!;
      const w = offset[m]! - s;
      let acc = 0;
      for (let k = s; k < e; k++) acc += weights[w + k]! * power[base + k]!;
      out[t * nMels + m] = acc;
    }
  }
  return out;
}

/** Which path {@link applyMel} takes: wasm/mel.c (same bits) when it loads, else JS. */
export const melPath = { useWasm: true };

/**
 * librosa `power_to_db(S, ref, amin=1e-10, top_db)` in place: 10 log10(max(amin, S) / ref), then
 * floored at (maximum of the whole array) - topDb. `ref` may be 'max' (result's maximum is 0 dB).
 * The logarithm is {@link log10}, which wasm/mel.c computes too (same bits).
 */
export function powerToDbInPlace(values: Float32Array, ref: number | 'max' = 1, topDb: number | null = 80, amin = 1e-10): Float32Array {
  let refValue = 1;
  if (ref === 'max') {
    refValue = 0;
    for (let i = 0; i < values.length; i++) if (values[i]! > refValue) refValue = values[i]!;
  } else {
    refValue = ref;
  }
  const refDb = 10 * log10(Math.max(amin, refValue));
  const kernel = melPath.useWasm ? melKernel() : null;
  if (kernel !== null) {
    kernel.powerToDb(values, amin, refDb, topDb);
    return values;
  }
  let maxDb = -Infinity;
  for (let i = 0; i < values.length; i++) {
    const db = 10 * log10(Math.max(amin, values[i]!)) - refDb;
    values[i] = db;
    if (db > maxDb) maxDb = db;
  }
  if (topDb !== null) {
    const floor = Math.fround(maxDb - topDb);
    for (let i = 0; i < values.length; i++) if (values[i]! < floor) values[i] = floor;
  }
  return values;
}

const SQRT2 = 1.4142135623730951;
/** log10(2) in two parts: a 32-bit head (times an exponent, exact) and the rest. */
const LOG10_2_HI = 0.3010299955494702;
const LOG10_2_LO = 1.1451100898021838e-10;
const LOG10_E = 0.4342944819032518;

/**
 * Base-10 logarithm, within a few units in the last place, computed by a fixed sequence of
 * float64 operations that wasm/mel.c repeats (Math.log10's bits are up to the engine):
 * x = 2^e m exactly, m halved when above sqrt(2); log m = 2 atanh(s), s = (m - 1) / (m + 1), by
 * its series to s^21; log10 x = e log10(2) + log m log10(e). NaN for NaN and negatives,
 * -Infinity for 0, Infinity for Infinity.
 */
export function log10(x: number): number {
  if (!(x > 0)) return x === 0 ? -Infinity : Number.NaN;
  if (x === Infinity) return x;
  let shift = 0;
  if (x < 2 ** -1022) {
    x *= 2 ** 54;
    shift = 54;
  }
  // 2^e <= x < 2^(e + 1); Math.log2 may miss by one next to a power of two, hence the fix-up
  let e = Math.floor(Math.log2(x));
  let m = x / 2 ** e;
  if (m >= 2) {
    m /= 2;
    e++;
  } else if (m < 1) {
    m *= 2;
    e--;
  }
  e -= shift;
  if (m > SQRT2) {
    m *= 0.5;
    e += 1;
  }
  const s = (m - 1) / (m + 1);
  const r = s * s;
  let p = 1 / 21;
  for (const c of ATANH_COEFFICIENTS) p = c + r * p;
  const logm = 2 * (s + s * r * p);
  return e * LOG10_2_HI + (e * LOG10_2_LO + logm * LOG10_E);
}

/** 1/19, 1/17, ..., 1/3: the series' coefficients after 1/21, in Horner order. */
const ATANH_COEFFICIENTS = [1 / 19, 1 / 17, 1 / 15, 1 / 13, 1 / 11, 1 / 9, 1 / 7, 1 / 5, 1 / 3];
