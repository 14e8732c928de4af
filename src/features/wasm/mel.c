/*
 * mel.ts (applyMel): the sparse mel filter bank times each frame of a frame-major float32 power
 * spectrogram (nFrames x nBins): band m sums weights[offset[m] + k - start[m]] * power[t][k] for
 * k in [start[m], end[m]) in float64, k ascending, rounded to float32 (frame-major nFrames x nMels).
 * Eight frames at a time in four f64x2 (each lane one frame: eight independent chains of
 * additions hide their latency), every lane in the JS loop's order
 * with its operations (wasm has no fused multiply-add): the same bits.
 */
#include <wasm_simd128.h>

__attribute__((export_name("mel_power")))
void mel_power(const float *restrict power, int nFrames, int nBins, int nMels, const int *restrict start, const int *restrict end,
               const int *restrict offset, const float *restrict weights, float *restrict out) {
  for (int t = 0; t < nFrames; t += 8) {
    /* frames t .. t + 7, past the last one repeating it (results not stored) */
    const float *f[8];
    for (int j = 0; j < 8; j++) f[j] = power + (t + j < nFrames ? t + j : nFrames - 1) * nBins;
    for (int m = 0; m < nMels; m++) {
      const float *w = weights + offset[m] - start[m];
      v128_t acc[4];
      for (int h = 0; h < 4; h++) acc[h] = wasm_f64x2_splat(0);
      for (int k = start[m]; k < end[m]; k++) {
        const v128_t wk = wasm_f64x2_splat((double)w[k]);
        for (int h = 0; h < 4; h++) acc[h] = wasm_f64x2_add(acc[h], wasm_f64x2_mul(wk, wasm_f64x2_make((double)f[2 * h][k], (double)f[2 * h + 1][k])));
      }
      double sums[8];
      for (int h = 0; h < 4; h++) wasm_v128_store(sums + 2 * h, acc[h]);
      for (int j = 0; j < 8 && t + j < nFrames; j++) out[(t + j) * nMels + m] = (float)sums[j];
    }
  }
}
