/*
 * What chroma.c and mfcc.c share: for every frame t the sums sum_k bank[k][c] * x[t][k] in float64,
 * k ascending, one output pair per f64x2, so every lane adds the same products in the same order
 * as a JS loop with one accumulator per output (wasm has no fused multiply-add): the same bits.
 * x: frame-major float32 (nFrames x nIn); bank: input-major float64 (nIn x 2 PAIRS);
 * out: frame-major float64 (nFrames x 2 PAIRS). PAIRS is a constant at every call, so the
 * accumulators unroll into locals.
 */
#include <wasm_simd128.h>

static inline __attribute__((always_inline)) void bank_sums(const float *restrict x, const double *restrict bank, double *restrict out, int nFrames, int nIn, const int PAIRS) {
  if (nIn < 1) return; /* without this clang calls memset */
  for (int t = 0; t < nFrames; t++) {
    const float *p = x + t * nIn;
    v128_t acc[PAIRS];
    for (int j = 0; j < PAIRS; j++) acc[j] = wasm_f64x2_splat(0);
    const v128_t *w = (const v128_t *)bank;
    for (int k = 0; k < nIn; k++, w += PAIRS) {
      v128_t v = wasm_f64x2_splat((double)p[k]);
      for (int j = 0; j < PAIRS; j++) acc[j] = wasm_f64x2_add(acc[j], wasm_f64x2_mul(wasm_v128_load(w + j), v));
    }
    v128_t *o = (v128_t *)(out + 2 * PAIRS * t);
    for (int j = 0; j < PAIRS; j++) wasm_v128_store(o + j, acc[j]);
  }
}
