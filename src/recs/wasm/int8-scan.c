/*
 * Approximate maximum-inner-product pre-scan over int8 codes, compiled to WebAssembly SIMD128
 * (see build.ts). Each row is R int8 codes (R a multiple of 16) with one float scale; a row's
 * approximate score for a query is scale * (codes . query codes). Up to MAX_QUERIES queries are
 * scored per pass, so each row is loaded and widened once for all of them. Each query keeps its
 * best `cap` (score, row) pairs in a min-heap; the caller re-ranks those exactly in float.
 */
#include <stdint.h>
#include <wasm_simd128.h>

#define MAX_QUERIES 8
#define MAX_CHUNKS 16 /* R <= 256 */

static v128_t qlo[MAX_QUERIES][MAX_CHUNKS];
static v128_t qhi[MAX_QUERIES][MAX_CHUNKS];

static inline void heap_push(float *sc, int32_t *sl, int32_t *size, int cap, float s, int32_t slot) {
  int i;
  if (*size < cap) {
    i = (*size)++;
    while (i > 0) {
      int parent = (i - 1) >> 1;
      if (sc[parent] <= s) break;
      sc[i] = sc[parent];
      sl[i] = sl[parent];
      i = parent;
    }
    sc[i] = s;
    sl[i] = slot;
    return;
  }
  if (s <= sc[0]) return;
  i = 0;
  for (;;) {
    int l = 2 * i + 1;
    if (l >= cap) break;
    int r = l + 1;
    int c = (r < cap && sc[r] < sc[l]) ? r : l;
    if (sc[c] >= s) break;
    sc[i] = sc[c];
    sl[i] = sl[c];
    i = c;
  }
  sc[i] = s;
  sl[i] = slot;
}

static inline int32_t hsum(v128_t a) {
  v128_t s = wasm_i32x4_add(a, wasm_i32x4_shuffle(a, a, 2, 3, 0, 1));
  s = wasm_i32x4_add(s, wasm_i32x4_shuffle(s, s, 1, 0, 3, 2));
  return wasm_i32x4_extract_lane(s, 0);
}

/*
 * The scan for a compile-time query count M and chunk count C (rows of 16 * C codes), so that
 * the accumulators and the widened queries stay in locals.
 */
#define DEFINE_SCAN(M, C)                                                                                       \
  static void scan_##M##_##C(const int8_t *codes, const float *scales, int n, int cap, float *hs, int32_t *hl, \
                             int32_t *sizes) {                                                                  \
    v128_t ql[M][C], qh[M][C];                                                                                  \
    float thr[M];                                                                                               \
    for (int q = 0; q < M; q++) {                                                                               \
      thr[q] = -3.4e38f;                                                                                        \
      for (int c = 0; c < C; c++) {                                                                             \
        ql[q][c] = qlo[q][c];                                                                                   \
        qh[q][c] = qhi[q][c];                                                                                   \
      }                                                                                                         \
    }                                                                                                           \
    for (int i = 0; i < n; i++) {                                                                               \
      const int8_t *row = codes + (long)i * (16 * C);                                                           \
      v128_t acc[M];                                                                                            \
      _Pragma("clang loop unroll(full)") for (int q = 0; q < M; q++) acc[q] = wasm_i32x4_splat(0);              \
      _Pragma("clang loop unroll(full)") for (int c = 0; c < C; c++) {                                          \
        v128_t v = wasm_v128_load(row + c * 16);                                                                \
        v128_t lo = wasm_i16x8_extend_low_i8x16(v);                                                             \
        v128_t hi = wasm_i16x8_extend_high_i8x16(v);                                                            \
        _Pragma("clang loop unroll(full)") for (int q = 0; q < M; q++) {                                        \
          acc[q] = wasm_i32x4_add(acc[q], wasm_i32x4_dot_i16x8(lo, ql[q][c]));                                  \
          acc[q] = wasm_i32x4_add(acc[q], wasm_i32x4_dot_i16x8(hi, qh[q][c]));                                  \
        }                                                                                                       \
      }                                                                                                         \
      float scale = scales[i];                                                                                  \
      _Pragma("clang loop unroll(full)") for (int q = 0; q < M; q++) {                                          \
        float s = (float)hsum(acc[q]) * scale;                                                                  \
        if (s <= thr[q]) continue;                                                                              \
        heap_push(hs + q * cap, hl + q * cap, sizes + q, cap, s, i);                                            \
        if (sizes[q] == cap) thr[q] = hs[q * cap];                                                              \
      }                                                                                                         \
    }                                                                                                           \
  }

DEFINE_SCAN(1, 4)
DEFINE_SCAN(2, 4)
DEFINE_SCAN(3, 4)
DEFINE_SCAN(4, 4)
DEFINE_SCAN(5, 4)
DEFINE_SCAN(6, 4)
DEFINE_SCAN(7, 4)
DEFINE_SCAN(8, 4)

/* The generic scan, any R <= 256 and M <= MAX_QUERIES. */
static void scan_any(const int8_t *codes, const float *scales, int n, int chunks, int m, int cap, float *hs, int32_t *hl,
                     int32_t *sizes) {
  float thr[MAX_QUERIES];
  for (int q = 0; q < m; q++) thr[q] = -3.4e38f;
  for (int i = 0; i < n; i++) {
    const int8_t *row = codes + (long)i * (16 * chunks);
    v128_t acc[MAX_QUERIES];
    for (int q = 0; q < m; q++) acc[q] = wasm_i32x4_splat(0);
    for (int c = 0; c < chunks; c++) {
      v128_t v = wasm_v128_load(row + c * 16);
      v128_t lo = wasm_i16x8_extend_low_i8x16(v);
      v128_t hi = wasm_i16x8_extend_high_i8x16(v);
      for (int q = 0; q < m; q++) {
        acc[q] = wasm_i32x4_add(acc[q], wasm_i32x4_dot_i16x8(lo, qlo[q][c]));
        acc[q] = wasm_i32x4_add(acc[q], wasm_i32x4_dot_i16x8(hi, qhi[q][c]));
      }
    }
    float scale = scales[i];
    for (int q = 0; q < m; q++) {
      float s = (float)hsum(acc[q]) * scale;
      if (s <= thr[q]) continue;
      heap_push(hs + q * cap, hl + q * cap, sizes + q, cap, s, i);
      if (sizes[q] == cap) thr[q] = hs[q * cap];
    }
  }
}

/*
 * Scans rows [0, n). codes: n x r int8; scales: n floats; queries: m x r int8; heap_scores and
 * heap_slots: m x cap each; heap_sizes: m int32 (set here). Returns 0, or -1 on bad arguments.
 * R = 64 (the default projection) runs a kernel specialised for the query count.
 */
__attribute__((export_name("scan"))) int scan(const int8_t *codes, const float *scales, int n, int r, const int8_t *queries, int m,
                                              int cap, float *heap_scores, int32_t *heap_slots, int32_t *heap_sizes) {
  if (r <= 0 || r % 16 != 0 || r / 16 > MAX_CHUNKS || m <= 0 || m > MAX_QUERIES || cap <= 0) return -1;
  int chunks = r / 16;
  for (int q = 0; q < m; q++) {
    heap_sizes[q] = 0;
    for (int c = 0; c < chunks; c++) {
      v128_t v = wasm_v128_load(queries + q * r + c * 16);
      qlo[q][c] = wasm_i16x8_extend_low_i8x16(v);
      qhi[q][c] = wasm_i16x8_extend_high_i8x16(v);
    }
  }
  if (chunks == 4) {
    switch (m) {
      case 1: scan_1_4(codes, scales, n, cap, heap_scores, heap_slots, heap_sizes); return 0;
      case 2: scan_2_4(codes, scales, n, cap, heap_scores, heap_slots, heap_sizes); return 0;
      case 3: scan_3_4(codes, scales, n, cap, heap_scores, heap_slots, heap_sizes); return 0;
      case 4: scan_4_4(codes, scales, n, cap, heap_scores, heap_slots, heap_sizes); return 0;
      case 5: scan_5_4(codes, scales, n, cap, heap_scores, heap_slots, heap_sizes); return 0;
      case 6: scan_6_4(codes, scales, n, cap, heap_scores, heap_slots, heap_sizes); return 0;
      case 7: scan_7_4(codes, scales, n, cap, heap_scores, heap_slots, heap_sizes); return 0;
      default: scan_8_4(codes, scales, n, cap, heap_scores, heap_slots, heap_sizes); return 0;
    }
  }
  scan_any(codes, scales, n, chunks, m, cap, heap_scores, heap_slots, heap_sizes);
  return 0;
}
