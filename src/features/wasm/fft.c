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

/*
 * The frame loop of stft.ts (stft + storePair), two frames per transform: frames t and t + 1 of
 * `padded` (float32, hop apart) times `window` (float64) packed as a + i b, transformed, and
 * split into A[k] = (Z[k] + conj Z[N - k]) / 2, B[k] = (Z[k] - conj Z[N - k]) / 2i, rounded to
 * float32 like librosa's complex64; power = re^2 + im^2 (float64, stored as float32) and magnitude
 * = sqrt(power) from the rounded parts. `pair` and `out` are two complex scratch arrays of nFft.
 */
__attribute__((export_name("stft_frames")))
void stft_frames(const float *restrict padded, const double *restrict window, double *restrict pair, double *restrict out,
                 const cx *restrict twiddles, const int32_t *restrict bitrev, int width, int nFft, int hop, int nFrames,
                 float *restrict re, float *restrict im, float *restrict magnitude, float *restrict power) {
  int nBins = (nFft >> 1) + 1;
  for (int t = 0; t < nFrames; t += 2) {
    int hasB = t + 1 < nFrames;
    const float *a = padded + t * hop;
    const float *b = hasB ? a + hop : a;
    for (int n = 0; n < nFft; n++) {
      pair[2 * n] = (double)a[n] * window[n];
      pair[2 * n + 1] = (double)b[n] * window[n];
    }
    fft_transform(out, pair, twiddles, bitrev, 2 * nFft, width);
    int ia = t * nBins, ib = ia + nBins;
    for (int k = 0; k < nBins; k++) {
      int m = (nFft - k) & (nFft - 1);
      double zr = out[2 * k], zi = out[2 * k + 1], wr = out[2 * m], wi = out[2 * m + 1];
      float ar = (float)(0.5 * (zr + wr)), ai = (float)(0.5 * (zi - wi));
      re[ia + k] = ar;
      im[ia + k] = ai;
      double pa = (double)ar * ar + (double)ai * ai;
      power[ia + k] = (float)pa;
      magnitude[ia + k] = (float)__builtin_sqrt(pa);
      if (!hasB) continue;
      float br = (float)(0.5 * (zi + wi)), bi = (float)(0.5 * (wr - zr));
      re[ib + k] = br;
      im[ib + k] = bi;
      double pb = (double)br * br + (double)bi * bi;
      power[ib + k] = (float)pb;
      magnitude[ib + k] = (float)__builtin_sqrt(pb);
    }
  }
}

#define FLOAT32_TINY 1.1754943508222875e-38

/* hpss.ts maskValue: H^2 / (H^2 + P^2), 0.5 where max(H, P) < tiny, rounded to float32. */
static inline float mask_value(float h, float p) {
  double hd = h, pd = p;
  double h2 = hd * hd;
  return (float)((hd > pd ? hd : pd) < FLOAT32_TINY ? 0.5 : h2 / (h2 + pd * pd));
}

static inline double fr(double x) { return (double)(float)x; }

/*
 * hpss.ts hpssSignals after the median filters, operation for operation: per pair of frames the
 * soft mask (from frame-major H and P), the masked spectra packed conjugated (fillPacked), the
 * forward transform, and the streamed overlap-add divided by the window sum-square. windowA/B are
 * the Hann window divided by +-nFft; acc a scratch of nFft doubles; pairMask of 2 nBins floats.
 */
__attribute__((export_name("hpss_istft")))
void hpss_istft(const float *restrict harm, const float *restrict perc, const float *restrict re, const float *restrict im,
                int nFrames, int nFft, int hop, const double *restrict windowA, const double *restrict windowB,
                const double *restrict wss, const float *restrict samples, int n, double *restrict z, double *restrict x,
                const cx *restrict twiddles, const int32_t *restrict bitrev, int width, double *restrict acc,
                float *restrict pairMask, float *restrict harmonic, float *restrict percussive) {
  int nBins = (nFft >> 1) + 1, half = nFft >> 1, last = nBins - 1;
  int limit = hop * (nFrames - 1);
  if (n < limit) limit = n;
  for (int j = 0; j < nFft; j++) acc[j] = 0;
  /* the last n mod hop samples stay 0 (the outputs may hold an earlier call's values) */
  for (int i = 0; i < n; i++) harmonic[i] = 0;
  for (int i = 0; i < n; i++) percussive[i] = 0;
  for (int t = 0; t < nFrames; t += 2) {
    int pair = t + 1 < nFrames;
    const float *h0 = harm + t * nBins, *p0 = perc + t * nBins;
    for (int k = 0; k < nBins; k++) pairMask[k] = mask_value(h0[k], p0[k]);
    if (pair) for (int k = 0; k < nBins; k++) pairMask[nBins + k] = mask_value(h0[nBins + k], p0[nBins + k]);
    /* fillPacked */
    int baseA = t * nBins, baseB = pair ? baseA + nBins : baseA, maskB = pair ? nBins : 0;
    double keepB = pair ? 1 : 0;
    z[0] = fr((double)re[baseA] * pairMask[0]);
    z[1] = -keepB * fr((double)re[baseB] * pairMask[maskB]);
    z[2 * last] = fr((double)re[baseA + last] * pairMask[last]);
    z[2 * last + 1] = -keepB * fr((double)re[baseB + last] * pairMask[maskB + last]);
    for (int k = 1; k < last; k++) {
      double ma = pairMask[k];
      double ar = fr((double)re[baseA + k] * ma), ai = fr((double)im[baseA + k] * ma);
      double mb = keepB * pairMask[maskB + k];
      double br = fr((double)re[baseB + k] * mb), bi = fr((double)im[baseB + k] * mb);
      z[2 * k] = ar - bi;
      z[2 * k + 1] = -(ai + br);
      z[2 * (nFft - k)] = ar + bi;
      z[2 * (nFft - k) + 1] = ai - br;
    }
    fft_transform(x, z, twiddles, bitrev, 2 * nFft, width);
    for (int f = t; f < t + 1 + pair; f++) {
      int part = f - t;
      const double *w = part == 0 ? windowA : windowB;
      for (int j = 0; j < nFft; j++) acc[j] += w[j] * fr(x[2 * j + part]);
      int base = f * hop;
      int count = f == nFrames - 1 ? nFft : hop;
      int from = half - base > 0 ? half - base : 0;
      int to = limit + half - base < count ? limit + half - base : count;
      for (int j = from; j < to; j++) {
        double s = wss[base + j];
        double hv = s > FLOAT32_TINY ? acc[j] / s : acc[j];
        int i = base + j - half;
        harmonic[i] = (float)hv;
        percussive[i] = (float)((double)samples[i] - hv);
      }
      for (int j = 0; j < nFft - hop; j++) acc[j] = acc[j + hop];
      for (int j = nFft - hop; j < nFft; j++) acc[j] = 0;
    }
  }
}

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
