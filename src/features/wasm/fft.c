/*
 * fft.js's forward complex transform (FFT.prototype.transform: radix-4, bit-reversed first pass),
 * ported operation for operation in float64 so that it gives the same bits (wasm has no fused
 * multiply-add; fft.js's `inv` factor is 1 in the forward direction, an exact no-op, dropped).
 * The twiddle table and bit-reversal pattern are fft.js's own, copied in by fft-wasm.ts.
 * Interleaved complex arrays (re, im) of csize = 2 * size doubles; out and data must differ.
 */
#include <stdint.h>
#include <wasm_simd128.h>

/* A complex number as one f64x2 (re, im). */
typedef v128_t cx;

/* lanes (x1, -x0): fft.js's (T3i, -T3r) */
static inline cx rot(cx x) {
  return wasm_v128_xor(wasm_i64x2_shuffle(x, x, 1, 0), wasm_f64x2_make(0.0, -0.0));
}

/* b * t with tw[0] = (tr, tr), tw[1] = (-ti, ti): (br tr + bi (-ti), bi tr + br ti), which are
 * fft.js's br tr - bi ti and br ti + bi tr bit for bit (negation is exact, addition commutes) */
static inline cx cmul(cx b, const cx *tw) {
  return wasm_f64x2_add(wasm_f64x2_mul(b, tw[0]), wasm_f64x2_mul(wasm_i64x2_shuffle(b, b, 1, 0), tw[1]));
}

/*
 * `twiddles` holds, for each complex entry j of fft.js's table (cos, -sin), the two vectors
 * (c, c) and (sin, -sin)... precisely (t_r, t_r) and (-t_i, t_i) with t = table entry j; see
 * fft-wasm.ts. csize = 2 size doubles.
 */
__attribute__((export_name("fft_transform")))
void fft_transform(double *restrict outd, const double *restrict data, const cx *restrict twiddles, const int32_t *restrict bitrev, int csize, int width) {
  cx *out = (cx *)outd;
  int n = csize >> 1; /* complex values */
  int step = 1 << width; /* in doubles */
  int len = (csize / step) << 1;
  if (len == 4) {
    for (int o = 0, t = 0; o < n; o += 2, t++) {
      const double *d = data + bitrev[t];
      cx even = wasm_v128_load(d), odd = wasm_v128_load(d + step);
      out[o] = wasm_f64x2_add(even, odd);
      out[o + 1] = wasm_f64x2_sub(even, odd);
    }
  } else {
    for (int o = 0, t = 0; o < n; o += 4, t++) {
      const double *d = data + bitrev[t];
      cx A = wasm_v128_load(d), B = wasm_v128_load(d + step), C = wasm_v128_load(d + 2 * step), D = wasm_v128_load(d + 3 * step);
      cx T0 = wasm_f64x2_add(A, C), T1 = wasm_f64x2_sub(A, C), T2 = wasm_f64x2_add(B, D), T3 = rot(wasm_f64x2_sub(B, D));
      out[o] = wasm_f64x2_add(T0, T2);
      out[o + 1] = wasm_f64x2_add(T1, T3);
      out[o + 2] = wasm_f64x2_sub(T0, T2);
      out[o + 3] = wasm_f64x2_sub(T1, T3);
    }
  }
  for (step >>= 2; step >= 2; step >>= 2) {
    len = (csize / step) << 1;
    int quarter = len >> 3; /* complex values per quarter */
    int tstep = step >> 1;  /* table entries per k */
    for (int o = 0; o < n; o += 4 * quarter) {
      for (int i = 0, k = 0; i < quarter; i++, k += tstep) {
        cx *a = out + o + i;
        cx A = a[0];
        cx MB = cmul(a[quarter], twiddles + 2 * k);
        cx MC = cmul(a[2 * quarter], twiddles + 4 * k);
        cx MD = cmul(a[3 * quarter], twiddles + 6 * k);
        cx T0 = wasm_f64x2_add(A, MC), T1 = wasm_f64x2_sub(A, MC), T2 = wasm_f64x2_add(MB, MD), T3 = rot(wasm_f64x2_sub(MB, MD));
        a[0] = wasm_f64x2_add(T0, T2);
        a[quarter] = wasm_f64x2_add(T1, T3);
        a[2 * quarter] = wasm_f64x2_sub(T0, T2);
        a[3 * quarter] = wasm_f64x2_sub(T1, T3);
      }
    }
  }
}

#define FLOAT32_TINY 1.1754943508222875e-38

/* tempo.ts accumulateNormalised: adds acf[2 lag + part] / max |acf| for lags below winLength. */
static inline void accumulate_normalised(const double *restrict acf, int part, int winLength, double *restrict sum) {
  double max = 0;
  for (int lag = 0; lag < winLength; lag++) {
    double v = __builtin_fabs(acf[2 * lag + part]);
    if (v > max) max = v;
  }
  if (max < FLOAT32_TINY) return;
  for (int lag = 0; lag < winLength; lag++) sum[lag] += acf[2 * lag + part] / max;
}

/*
 * tempo.ts meanTempogram after the padding, operation for operation: per pair of frames the
 * windowed excerpts packed as a + i b, the forward transform, both power spectra, the transform
 * of those (autocorrelations, A's real, B's imaginary), each added to `sum` divided by its
 * maximum; then the mean over the n frames. pair, spectrum, powers and acf are four complex
 * scratch arrays of `size` points.
 */
__attribute__((export_name("tempogram_mean")))
void tempogram_mean(const double *restrict padded, int n, int winLength, const double *restrict window, double *restrict pair,
                    double *restrict spectrum, double *restrict powers, double *restrict acf, const cx *restrict twiddles,
                    const int32_t *restrict bitrev, int width, int size, double *restrict sum) {
  for (int j = 0; j < 2 * size; j++) pair[j] = 0;
  for (int lag = 0; lag < winLength; lag++) sum[lag] = 0;
  for (int t = 0; t < n; t += 2) {
    int hasB = t + 1 < n;
    for (int j = 0; j < winLength; j++) {
      pair[2 * j] = padded[t + j] * window[j];
      pair[2 * j + 1] = hasB ? padded[t + 1 + j] * window[j] : 0;
    }
    fft_transform(spectrum, pair, twiddles, bitrev, 2 * size, width);
    for (int k = 0; k < size; k++) {
      int m = (size - k) & (size - 1);
      double zr = spectrum[2 * k], zi = spectrum[2 * k + 1], wr = spectrum[2 * m], wi = spectrum[2 * m + 1];
      double ar = 0.5 * (zr + wr), ai = 0.5 * (zi - wi), br = 0.5 * (zi + wi), bi = 0.5 * (wr - zr);
      powers[2 * k] = ar * ar + ai * ai;
      powers[2 * k + 1] = br * br + bi * bi;
    }
    fft_transform(acf, powers, twiddles, bitrev, 2 * size, width);
    accumulate_normalised(acf, 0, winLength, sum);
    if (hasB) accumulate_normalised(acf, 1, winLength, sum);
  }
  for (int lag = 0; lag < winLength; lag++) sum[lag] /= n;
}
