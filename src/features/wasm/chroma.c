/*
 * The chroma filter bank product of chroma.ts (chromaStft): for every frame t the twelve sums
 * sum_k fb[k][c] * power[t][k] in float64, k ascending, one chroma pair per f64x2, so every lane
 * adds the same products in the same order as the JS loop (wasm has no fused multiply-add): the
 * same bits. power: frame-major float32 (nFrames x nBins); fb: bin-major float64 (nBins x 12);
 * out: frame-major float64 (nFrames x 12).
 */
#include <wasm_simd128.h>

__attribute__((export_name("chroma_sums")))
void chroma_sums(const float *restrict power, const double *restrict fb, double *restrict out, int nFrames, int nBins) {
  if (nBins < 1) return; /* the caller has at least one bin; without this clang calls memset */
  for (int t = 0; t < nFrames; t++) {
    const float *p = power + t * nBins;
    v128_t a0 = wasm_f64x2_splat(0), a1 = a0, a2 = a0, a3 = a0, a4 = a0, a5 = a0;
    const v128_t *w = (const v128_t *)fb;
    for (int k = 0; k < nBins; k++, w += 6) {
      v128_t x = wasm_f64x2_splat((double)p[k]);
      a0 = wasm_f64x2_add(a0, wasm_f64x2_mul(wasm_v128_load(w), x));
      a1 = wasm_f64x2_add(a1, wasm_f64x2_mul(wasm_v128_load(w + 1), x));
      a2 = wasm_f64x2_add(a2, wasm_f64x2_mul(wasm_v128_load(w + 2), x));
      a3 = wasm_f64x2_add(a3, wasm_f64x2_mul(wasm_v128_load(w + 3), x));
      a4 = wasm_f64x2_add(a4, wasm_f64x2_mul(wasm_v128_load(w + 4), x));
      a5 = wasm_f64x2_add(a5, wasm_f64x2_mul(wasm_v128_load(w + 5), x));
    }
    v128_t *o = (v128_t *)(out + 12 * t);
    wasm_v128_store(o, a0);
    wasm_v128_store(o + 1, a1);
    wasm_v128_store(o + 2, a2);
    wasm_v128_store(o + 3, a3);
    wasm_v128_store(o + 4, a4);
    wasm_v128_store(o + 5, a5);
  }
}
