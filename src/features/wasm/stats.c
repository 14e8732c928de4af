/*
 * stats.ts meanVar on float32 values (meanVarFloat32), the same operations in the same order:
 * each pass keeps four partial sums, values i, i + 4, ... in the (i % 4)-th (lanes 0, 1 of the
 * first f64x2 and 0, 1 of the second), the leftover values added to the first, and the sums
 * added as (s0 + s1) + (s2 + s3): the same bits. out[0] = mean, out[1] = population variance.
 */
#include <wasm_simd128.h>

static double total(v128_t a, v128_t b) {
  return (wasm_f64x2_extract_lane(a, 0) + wasm_f64x2_extract_lane(a, 1)) + (wasm_f64x2_extract_lane(b, 0) + wasm_f64x2_extract_lane(b, 1));
}

__attribute__((export_name("mean_var")))
void mean_var(const float *restrict v, int n, double *restrict out) {
  const int tail = n - n % 4;
  v128_t a = wasm_f64x2_splat(0), b = a;
  for (int i = 0; i < tail; i += 4) {
    const v128_t x = wasm_v128_load(v + i);
    a = wasm_f64x2_add(a, wasm_f64x2_promote_low_f32x4(x));
    b = wasm_f64x2_add(b, wasm_f64x2_promote_low_f32x4(wasm_i32x4_shuffle(x, x, 2, 3, 2, 3)));
  }
  for (int i = tail; i < n; i++) a = wasm_f64x2_replace_lane(a, 0, wasm_f64x2_extract_lane(a, 0) + v[i]);
  const double mean = total(a, b) / n;
  const v128_t m = wasm_f64x2_splat(mean);
  a = b = wasm_f64x2_splat(0);
  for (int i = 0; i < tail; i += 4) {
    const v128_t x = wasm_v128_load(v + i);
    const v128_t d0 = wasm_f64x2_sub(wasm_f64x2_promote_low_f32x4(x), m);
    const v128_t d1 = wasm_f64x2_sub(wasm_f64x2_promote_low_f32x4(wasm_i32x4_shuffle(x, x, 2, 3, 2, 3)), m);
    a = wasm_f64x2_add(a, wasm_f64x2_mul(d0, d0));
    b = wasm_f64x2_add(b, wasm_f64x2_mul(d1, d1));
  }
  for (int i = tail; i < n; i++) {
    const double d = v[i] - mean;
    a = wasm_f64x2_replace_lane(a, 0, wasm_f64x2_extract_lane(a, 0) + d * d);
  }
  out[0] = mean;
  out[1] = total(a, b) / n;
}
