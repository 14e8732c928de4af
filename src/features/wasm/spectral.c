/*
 * spectral.ts (spectralShape) on a frame-major float32 magnitude spectrogram (nFrames x nBins):
 * centroid, bandwidth (p = 2) and roll-off per frame, four frames at a time in two f64x2 (each
 * lane one frame), each lane adding in the JS loop's order with the JS loop's operations (wasm has
 * no fused multiply-add): the same bits. Four independent chains of additions hide their latency.
 * Silent frames (total below the smallest normal float) are left as they are (the caller's
 * zeros). cum: scratch of 4 nBins doubles (the running sums of the four frames, per bin).
 */
#include <wasm_simd128.h>

#define FLT_MIN_NORMAL 1.1754943508222875e-38

/* The first bin whose cumulative sum (frame j of the four in cum) reaches threshold, capped at the last bin. */
static int rolloff_bin(const double *cum, int j, int nBins, double threshold) {
  int lo = 0, hi = nBins - 1;
  while (lo < hi) {
    int mid = (lo + hi) >> 1;
    if (cum[4 * mid + j] < threshold) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

__attribute__((export_name("spectral_shape")))
void spectral_shape(const float *restrict magnitude, int nFrames, int nBins, double binHz, double rollPercent,
                    double *restrict centroidHz, double *restrict bandwidthHz, double *restrict rolloffHz, double *restrict cum) {
  for (int t = 0; t < nFrames; t += 4) {
    /* frames t .. t + 3, past the last one repeating it (results unused) */
    const float *f[4];
    for (int j = 0; j < 4; j++) f[j] = magnitude + (t + j < nFrames ? t + j : nFrames - 1) * nBins;
    v128_t total[2] = {wasm_f64x2_splat(0), wasm_f64x2_splat(0)}, weighted[2] = {total[0], total[0]};
    for (int k = 0; k < nBins; k++) {
      const v128_t kk = wasm_f64x2_splat((double)k);
      for (int h = 0; h < 2; h++) {
        v128_t m = wasm_f64x2_make((double)f[2 * h][k], (double)f[2 * h + 1][k]);
        total[h] = wasm_f64x2_add(total[h], m);
        wasm_v128_store(cum + 4 * k + 2 * h, total[h]);
        weighted[h] = wasm_f64x2_add(weighted[h], wasm_f64x2_mul(m, kk));
      }
    }
    v128_t centroid[2], spread[2];
    for (int h = 0; h < 2; h++) {
      centroid[h] = wasm_f64x2_div(wasm_f64x2_mul(weighted[h], wasm_f64x2_splat(binHz)), total[h]);
      spread[h] = wasm_f64x2_splat(0);
    }
    for (int k = 0; k < nBins; k++) {
      const v128_t hz = wasm_f64x2_splat(k * binHz);
      for (int h = 0; h < 2; h++) {
        v128_t m = wasm_f64x2_make((double)f[2 * h][k], (double)f[2 * h + 1][k]);
        v128_t d = wasm_f64x2_sub(hz, centroid[h]);
        spread[h] = wasm_f64x2_add(spread[h], wasm_f64x2_mul(wasm_f64x2_mul(m, d), d));
      }
    }
    double totals[4], centroids[4], spreads[4];
    for (int h = 0; h < 2; h++) {
      wasm_v128_store(totals + 2 * h, total[h]);
      wasm_v128_store(centroids + 2 * h, centroid[h]);
      wasm_v128_store(spreads + 2 * h, spread[h]);
    }
    for (int j = 0; j < 4 && t + j < nFrames; j++) {
      if (totals[j] < FLT_MIN_NORMAL) continue;
      centroidHz[t + j] = centroids[j];
      bandwidthHz[t + j] = __builtin_sqrt(spreads[j] / totals[j]);
      rolloffHz[t + j] = rolloff_bin(cum, j, nBins, rollPercent * totals[j]) * binHz;
    }
  }
}
