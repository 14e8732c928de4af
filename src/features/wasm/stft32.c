/*
 * The STFT frame loop of stft.ts and the inverse STFT of hpss.ts hpssSignals in float32, eight
 * frames per batch: four transforms in the lanes of fft32.h, each packing two real frames as
 * a + i b (frame t0 + 2l in the real part of lane l, frame t0 + 2l + 1 in the imaginary part).
 * Frame-major matrices (nFrames x nBins, nBins = n / 2 + 1) are moved in and out of the lanes by
 * 4 x 4 transposes: four consecutive samples or bins of four frames at a time.
 * Not bit-identical to the float64 JS reference (fft.js): within the bounds of kernels.test.ts.
 */
#include "fft32.h"

#define FLOAT32_TINY 1.1754943508222875e-38f

/* Offsets of the rows of frames t0 .. t0 + 7 in a matrix with `stride` floats per frame; frames
 * past the last repeat the last one (read, never stored), so every load stays in bounds. */
static inline void batch_rows(int stride, int t0, int nFrames, int rows[8]) {
  for (int l = 0; l < 8; l++) rows[l] = (t0 + l < nFrames ? t0 + l : nFrames - 1) * stride;
}

/* One frame's bins k .. k + 3: re, im as given, power = re^2 + im^2 and magnitude = sqrt(power). */
static inline void store_bins(int at, v128_t r, v128_t i, float *re, float *im, float *magnitude, float *power) {
  v128_t p = wasm_f32x4_add(wasm_f32x4_mul(r, r), wasm_f32x4_mul(i, i));
  wasm_v128_store(re + at, r);
  wasm_v128_store(im + at, i);
  wasm_v128_store(power + at, p);
  wasm_v128_store(magnitude + at, wasm_f32x4_sqrt(p));
}

/*
 * stft.ts stft: nFrames frames of `padded`, hop apart, times `halfWindow` (the window / 2, which
 * folds the 1/2 of the split below into the packing), each transformed: re, im, power and
 * magnitude frame-major. x is a batch buffer of n cx4 points; bitrev the n-point bit reversal.
 */
__attribute__((export_name("stft_frames")))
void stft_frames(const float *restrict padded, const float *restrict halfWindow, cx4 *restrict x, const float *restrict cosT,
                 const float *restrict sinT, const int32_t *restrict bitrev, int log2n, int hop, int nFrames,
                 float *restrict re, float *restrict im, float *restrict magnitude, float *restrict power) {
  int n = 1 << log2n, half = n >> 1, nBins = half + 1;
  for (int t0 = 0; t0 < nFrames; t0 += 8) {
    int valid = nFrames - t0 < 8 ? nFrames - t0 : 8;
    int f[8];
    batch_rows(hop, t0, nFrames, f);
    /* x[bitrev j] = (frame t0 + 2l sample j + i frame t0 + 2l + 1 sample j) w[j] / 2, lane l */
    for (int j = 0; j < n; j += 4) {
      v128_t w = wasm_v128_load(halfWindow + j);
      v128_t a[4], b[4];
      for (int l = 0; l < 4; l++) {
        a[l] = wasm_f32x4_mul(wasm_v128_load(padded + f[2 * l] + j), w);
        b[l] = wasm_f32x4_mul(wasm_v128_load(padded + f[2 * l + 1] + j), w);
      }
      transpose4(a);
      transpose4(b);
      for (int d = 0; d < 4; d++) {
        x[bitrev[j + d]].re = a[d];
        x[bitrev[j + d]].im = b[d];
      }
    }
    fft4x(x, log2n, cosT, sinT);
    /*
     * Split Z = A + i B (A, B the spectra of the two real frames): with W = Z[n - k],
     * A[k] = (Z[k] + conj W) / 2 and B[k] = (Z[k] - conj W) / 2i (the 1/2 is in the window).
     * Bins k .. k + 3 of all eight frames, transposed back to frame-major rows.
     */
    for (int k = 0; k < half; k += 4) {
      v128_t ar[4], ai[4], br[4], bi[4];
      for (int d = 0; d < 4; d++) {
        cx4 z = x[k + d], w = x[(n - k - d) & (n - 1)];
        ar[d] = wasm_f32x4_add(z.re, w.re);
        ai[d] = wasm_f32x4_sub(z.im, w.im);
        br[d] = wasm_f32x4_add(z.im, w.im);
        bi[d] = wasm_f32x4_sub(w.re, z.re);
      }
      transpose4(ar);
      transpose4(ai);
      transpose4(br);
      transpose4(bi);
      for (int l = 0; l < 4; l++) {
        int at = (t0 + 2 * l) * nBins + k;
        if (2 * l < valid) store_bins(at, ar[l], ai[l], re, im, magnitude, power);
        if (2 * l + 1 < valid) store_bins(at + nBins, br[l], bi[l], re, im, magnitude, power);
      }
    }
    /* the Nyquist bin, Z[n/2] = W: A = Re Z, B = Im Z (imaginary parts exactly 0) */
    v128_t zr = wasm_f32x4_add(x[half].re, x[half].re), zi = wasm_f32x4_add(x[half].im, x[half].im);
    v128_t zero = wasm_f32x4_splat(0), zr2 = wasm_f32x4_mul(zr, zr), zi2 = wasm_f32x4_mul(zi, zi);
    float *last[4] = {re, im, power, magnitude};
    v128_t evenValues[4] = {zr, zero, zr2, wasm_f32x4_abs(zr)}, oddValues[4] = {zi, zero, zi2, wasm_f32x4_abs(zi)};
    int at = t0 * nBins + half;
    for (int a = 0; a < 4; a++) {
      float even[4], odd[4];
      wasm_v128_store(even, evenValues[a]);
      wasm_v128_store(odd, oddValues[a]);
      for (int l = 0; l < 4; l++) {
        if (2 * l < valid) last[a][at + 2 * l * nBins] = even[l];
        if (2 * l + 1 < valid) last[a][at + (2 * l + 1) * nBins] = odd[l];
      }
    }
  }
}

/*
 * 1 / s, lane by lane, for normal positive s (wasm has no fast reciprocal, and a division per
 * bin is the slowest part of the mask): an estimate from the bit pattern (within 5.1 %), then
 * three Newton steps r (2 - s r), which square the relative error (to 1.5e-7 at most).
 */
static inline v128_t reciprocal(v128_t s) {
  v128_t two = wasm_f32x4_splat(2), r = wasm_i32x4_sub(wasm_i32x4_splat(0x7EF311C3), s);
  for (int i = 0; i < 3; i++) r = wasm_f32x4_mul(r, wasm_f32x4_sub(two, wasm_f32x4_mul(s, r)));
  return r;
}

/*
 * hpss.ts maskValue on four bins: H^2 / (H^2 + P^2), 0.5 where max(H, P) < float32's tiny. H and
 * P are first scaled by the same power of two (exact; 1 unless max(H, P) is below 2^-40 or above
 * 2^40), so that the larger square is normal and finite: no 0 / 0, no inf / inf.
 */
static inline v128_t soft_mask(v128_t h, v128_t p) {
  v128_t mx = wasm_f32x4_pmax(h, p);
  v128_t big = wasm_f32x4_gt(mx, wasm_f32x4_splat(0x1p40f)), small = wasm_f32x4_lt(mx, wasm_f32x4_splat(0x1p-40f));
  v128_t scale = wasm_v128_bitselect(wasm_f32x4_splat(0x1p63f), wasm_v128_bitselect(wasm_f32x4_splat(0x1p-80f), wasm_f32x4_splat(1), big), small);
  v128_t hs = wasm_f32x4_mul(h, scale), ps = wasm_f32x4_mul(p, scale);
  v128_t h2 = wasm_f32x4_mul(hs, hs);
  v128_t m = wasm_f32x4_mul(h2, reciprocal(wasm_f32x4_add(h2, wasm_f32x4_mul(ps, ps))));
  return wasm_v128_bitselect(wasm_f32x4_splat(0.5f), m, wasm_f32x4_lt(mx, wasm_f32x4_splat(FLOAT32_TINY)));
}

/* All ones when `keep`, else all zeros: ANDed with a mask, it zeroes the frames past the end. */
static inline v128_t lane_keep(int keep) { return wasm_i32x4_splat(keep ? -1 : 0); }

/* Element k of the rows[parity + 2l] of m in lane l, l = 0..3 (the even or the odd frames of a batch). */
static inline v128_t gather4(const float *m, const int rows[8], int parity, int k) {
  return wasm_f32x4_make(m[rows[parity] + k], m[rows[parity + 2] + k], m[rows[parity + 4] + k], m[rows[parity + 6] + k]);
}

/* All ones in lane l when frame parity + 2l of the batch exists, else zeros. */
static inline v128_t keep4(int valid, int parity) {
  return wasm_i32x4_make(parity < valid ? -1 : 0, parity + 2 < valid ? -1 : 0, parity + 4 < valid ? -1 : 0, parity + 6 < valid ? -1 : 0);
}

/* The spectrum (re, im) of one frame, bins k .. k + 3, times its soft mask; zero when keep is all zeros. */
static inline void masked_bins(const float *harm, const float *perc, const float *re, const float *im, int at, v128_t keep,
                               v128_t *r, v128_t *i) {
  v128_t m = wasm_v128_and(soft_mask(wasm_v128_load(harm + at), wasm_v128_load(perc + at)), keep);
  *r = wasm_f32x4_mul(wasm_v128_load(re + at), m);
  *i = wasm_f32x4_mul(wasm_v128_load(im + at), m);
}

/*
 * Packs the masked spectra of a batch into x, bit-reversed: lane l gets frames a = t0 + 2l and
 * b = t0 + 2l + 1 as the CONJUGATE of the Hermitian-completed spectrum a + i b, so that the
 * forward transform gives n conj(irfft a + i irfft b). irfft ignores the imaginary parts of the
 * DC and Nyquist bins, so they are dropped.
 */
static void pack_masked(const float *harm, const float *perc, const float *re, const float *im, const int rows[8], int valid,
                        int n, const int32_t *bitrev, cx4 *x) {
  int half = n >> 1;
  for (int k = 0; k < half; k += 4) {
    v128_t ar[4], ai[4], br[4], bi[4];
    for (int l = 0; l < 4; l++) {
      masked_bins(harm, perc, re, im, rows[2 * l] + k, lane_keep(2 * l < valid), &ar[l], &ai[l]);
      masked_bins(harm, perc, re, im, rows[2 * l + 1] + k, lane_keep(2 * l + 1 < valid), &br[l], &bi[l]);
    }
    transpose4(ar);
    transpose4(ai);
    transpose4(br);
    transpose4(bi);
    /* conj(A + i B) at k and conj(conj A + i conj B) at n - k */
    for (int d = 0; d < 4; d++) {
      cx4 *z = x + bitrev[k + d], *w = x + bitrev[(n - k - d) & (n - 1)];
      z->re = wasm_f32x4_sub(ar[d], bi[d]);
      z->im = wasm_f32x4_neg(wasm_f32x4_add(ai[d], br[d]));
      w->re = wasm_f32x4_add(ar[d], bi[d]);
      w->im = wasm_f32x4_sub(ai[d], br[d]);
    }
    if (k == 0) {
      x[0].re = ar[0];
      x[0].im = wasm_f32x4_neg(br[0]);
    }
  }
  v128_t ma = wasm_v128_and(soft_mask(gather4(harm, rows, 0, half), gather4(perc, rows, 0, half)), keep4(valid, 0));
  v128_t mb = wasm_v128_and(soft_mask(gather4(harm, rows, 1, half), gather4(perc, rows, 1, half)), keep4(valid, 1));
  x[bitrev[half]].re = wasm_f32x4_mul(gather4(re, rows, 0, half), ma);
  x[bitrev[half]].im = wasm_f32x4_neg(wasm_f32x4_mul(gather4(re, rows, 1, half), mb));
}

/*
 * Overlap-adds the batch's eight inverse transforms into y: frame t0 + 2l adds Re x (lane l)
 * times window / n at (t0 + 2l) hop, frame t0 + 2l + 1 subtracts Im x times window / n.
 */
static void overlap_add(const cx4 *x, int n, const float *windowN, int t0, int valid, int hop, float *y) {
  for (int j = 0; j < n; j += 4) {
    v128_t r[4] = {x[j].re, x[j + 1].re, x[j + 2].re, x[j + 3].re}, i[4] = {x[j].im, x[j + 1].im, x[j + 2].im, x[j + 3].im};
    transpose4(r);
    transpose4(i);
    v128_t w = wasm_v128_load(windowN + j);
    for (int l = 0; l < 4; l++) {
      float *ya = y + (t0 + 2 * l) * hop + j, *yb = ya + hop;
      if (2 * l < valid) wasm_v128_store(ya, wasm_f32x4_add(wasm_v128_load(ya), wasm_f32x4_mul(r[l], w)));
      if (2 * l + 1 < valid) wasm_v128_store(yb, wasm_f32x4_sub(wasm_v128_load(yb), wasm_f32x4_mul(i[l], w)));
    }
  }
}

/*
 * hpss.ts hpssSignals after the median filters: per batch of eight frames the soft mask of
 * frame-major H and P applied to the spectrum (re, im), the inverse transforms and their
 * overlap-add into y (n + hop (nFrames - 1) floats); then harmonic = y / window sum-square
 * (invWss: its reciprocal, 1 where it is below tiny), trimmed by n / 2, and percussive =
 * samples - harmonic, both zero from hop (nFrames - 1) on. windowN = window / n.
 */
__attribute__((export_name("hpss_istft")))
void hpss_istft(const float *restrict harm, const float *restrict perc, const float *restrict re, const float *restrict im,
                int nFrames, int log2n, int hop, const float *restrict windowN, const float *restrict invWss,
                const float *restrict samples, int nSamples, cx4 *restrict x, const float *restrict cosT,
                const float *restrict sinT, const int32_t *restrict bitrev, float *restrict y, float *restrict harmonic,
                float *restrict percussive) {
  int n = 1 << log2n, half = n >> 1, nBins = half + 1;
  __builtin_memset(y, 0, sizeof(float) * (n + hop * (nFrames - 1)));
  for (int t0 = 0; t0 < nFrames; t0 += 8) {
    int valid = nFrames - t0 < 8 ? nFrames - t0 : 8;
    int rows[8];
    batch_rows(nBins, t0, nFrames, rows);
    pack_masked(harm, perc, re, im, rows, valid, n, bitrev, x);
    fft4x(x, log2n, cosT, sinT);
    overlap_add(x, n, windowN, t0, valid, hop, y);
  }
  int limit = hop * (nFrames - 1) < nSamples ? hop * (nFrames - 1) : nSamples;
  int i = 0;
  for (; i + 4 <= limit; i += 4) {
    v128_t h = wasm_f32x4_mul(wasm_v128_load(y + half + i), wasm_v128_load(invWss + half + i));
    wasm_v128_store(harmonic + i, h);
    wasm_v128_store(percussive + i, wasm_f32x4_sub(wasm_v128_load(samples + i), h));
  }
  for (; i < limit; i++) {
    harmonic[i] = y[half + i] * invWss[half + i];
    percussive[i] = samples[i] - harmonic[i];
  }
  /* the last nSamples mod hop samples are 0 (the outputs may hold an earlier call's values) */
  for (; i < nSamples; i++) harmonic[i] = percussive[i] = 0;
}
