/*
 * zcr.ts (zeroCrossingRate) on the samples, edge padding by pad = frameLength / 2 implied:
 * frame t counts the sign changes between padded samples P - 1 and P for P in
 * [t hop + 1, t hop + frameLength - 1]; the padding repeats the end samples, so only P in
 * [pad + 1, pad + n - 1] can change sign (sample j = P - pad against j - 1). A sample is negative
 * when it is below -threshold (in float64); `below` is the largest float32 below -threshold
 * (computed by the caller), so x <= below decides it exactly in float32. Integer counts, divided
 * by frameLength as the JS loop does: the same bits. Four samples per i32x4.
 */
#include <wasm_simd128.h>

/* Sign changes between samples j - 1 and j for j in [first, last] (1 <= first). */
static int crossings(const float *s, int first, int last, float below) {
  const v128_t b = wasm_f32x4_splat(below);
  v128_t acc = wasm_i32x4_splat(0);
  int j = first;
  for (; j + 3 <= last; j += 4) {
    /* lanes are -1 where negative: the xor is -1 where the sign changes */
    v128_t cur = wasm_f32x4_le(wasm_v128_load(s + j), b);
    v128_t prev = wasm_f32x4_le(wasm_v128_load(s + j - 1), b);
    acc = wasm_i32x4_sub(acc, wasm_v128_xor(cur, prev));
  }
  int lanes[4];
  wasm_v128_store(lanes, acc);
  int count = lanes[0] + lanes[1] + lanes[2] + lanes[3];
  for (; j <= last; j++) count += (s[j] <= below) != (s[j - 1] <= below);
  return count;
}

__attribute__((export_name("zcr_frames")))
void zcr_frames(const float *restrict samples, int n, int frameLength, int hopLength, int nFrames, float below, double *restrict out) {
  const int pad = frameLength >> 1;
  for (int t = 0; t < nFrames; t++) {
    int first = t * hopLength + 1 - pad, last = t * hopLength + frameLength - 1 - pad;
    if (first < 1) first = 1;
    if (last > n - 1) last = n - 1;
    out[t] = (first <= last ? crossings(samples, first, last, below) : 0) / (double)frameLength;
  }
}
