/*
 * Exact sliding medians for HPSS, compiled to WebAssembly with SIMD128 and linked into the
 * stft32 module (build.ts): one memory, so the filters read the STFT's magnitude where it was
 * written and the inverse STFT reads their outputs where they wrote them.
 *
 * median_columns filters every COLUMN of a row-major rows x cols int32 matrix along the rows with
 * an odd window and scipy.ndimage 'reflect' boundaries. The keys are float32 bit patterns of
 * non-negative values, which order like the floats. Four adjacent columns run at once, one per
 * i32x4 lane, so every load and store of the matrix is one v128. Each lane keeps its window
 * sorted; one step (drop `out`, add `in`) is branch-free, for every slot j of the window:
 *   r[j]   = old[j] < out ? old[j] : old[j + 1]     (the window without one copy of out)
 *   new[j] = min(max(r[j - 1], in), r[j])           (in inserted; r[-1] = -inf, old[size] = +inf)
 * so the result is exact (the median is a copy of an input key) and does not depend on the data.
 */
#include <stdint.h>
#include <wasm_simd128.h>

#define KEY_MAX 0x7fffffff
#define KEY_MIN (-0x7fffffff - 1)
#define MAX_SIZE 255

static v128_t window[MAX_SIZE];

static inline int reflect(int i, int length) {
  if (i >= 0 && i < length) return i;
  int period = 2 * length;
  int j = i % period;
  if (j < 0) j += period;
  return j < length ? j : period - 1 - j;
}

static inline __attribute__((always_inline)) void insert(v128_t *w, int size, v128_t in) {
  v128_t prev = wasm_i32x4_splat(KEY_MIN);
#pragma clang loop unroll(full)
  for (int j = 0; j < size; j++) {
    v128_t o = w[j];
    w[j] = wasm_i32x4_min(wasm_i32x4_max(prev, in), o);
    prev = o;
  }
}

static inline __attribute__((always_inline)) void step(v128_t *w, int size, v128_t out, v128_t in) {
  v128_t cur = w[0];
  v128_t hi = in; /* max(r[-1], in) */
#pragma clang loop unroll(full)
  for (int j = 0; j < size; j++) {
    v128_t next = j + 1 < size ? w[j + 1] : wasm_i32x4_splat(KEY_MAX);
    v128_t r = wasm_v128_bitselect(cur, next, wasm_i32x4_lt(cur, out));
    w[j] = wasm_i32x4_min(hi, r);
    hi = wasm_i32x4_max(r, in);
    cur = next;
  }
}

/* Strip of four rows, lane l = row r + l, padded with the reflected borders (see median_rows). */
#define MAX_STRIP 8192
static v128_t strip[MAX_STRIP + MAX_SIZE];
static v128_t medians[MAX_STRIP];

/* The sliding median over a padded strip of n + size - 1 vectors, medians to med[0..n). */
static inline __attribute__((always_inline)) void slide(const v128_t *s, v128_t *med, int n, int size, v128_t *w) {
  int half = size >> 1;
  for (int j = 0; j < size; j++) w[j] = wasm_i32x4_splat(KEY_MAX);
  for (int i = 0; i < size; i++) insert(w, size, s[i]);
  med[0] = w[half];
  for (int t = 1; t < n; t++) {
    step(w, size, s[t - 1], s[t - 1 + size]);
    med[t] = w[half];
  }
}

static void slide31(const v128_t *s, v128_t *med, int n) {
  v128_t w[31];
  slide(s, med, n, 31, w);
}

static void slide_any(const v128_t *s, v128_t *med, int n, int size) {
  slide(s, med, n, size, window);
}

/*
 * Row medians: every ROW of the row-major rows x cols matrix at `input` filtered along its
 * columns, into `output` (must not overlap; rows >= 4, cols <= MAX_STRIP, odd size <= MAX_SIZE):
 * scipy.ndimage.median_filter(x, (1, size), mode='reflect'). Four rows at a time are gathered
 * into a strip of lanes, filtered, and the medians scattered back. Returns as
 * median_columns.
 */
__attribute__((export_name("median_rows")))
int median_rows(const int32_t *input, int32_t *output, int rows, int cols, int size) {
  if (rows < 4 || cols < 1 || cols > MAX_STRIP || size < 1 || size > MAX_SIZE || (size & 1) == 0) return -1;
  int half = size >> 1;
  int32_t seen = 0;
  for (int r = 0; r < rows; r += 4) {
    int r0 = r + 4 <= rows ? r : rows - 4; /* the last group overlaps the one before it */
    const int32_t *a = input + r0 * cols;
    for (int i = 0; i < cols + 2 * half; i++) {
      int c = reflect(i - half, cols);
      strip[i] = wasm_i32x4_make(a[c], a[cols + c], a[2 * cols + c], a[3 * cols + c]);
    }
    for (int i = 0; i < cols; i++) seen |= a[i] | a[cols + i] | a[2 * cols + i] | a[3 * cols + i];
    if (size == 31) slide31(strip, medians, cols); else slide_any(strip, medians, cols, size);
    int32_t *o = output + r0 * cols;
    for (int i = 0; i < cols; i++) {
      v128_t m = medians[i];
      o[i] = wasm_i32x4_extract_lane(m, 0);
      o[cols + i] = wasm_i32x4_extract_lane(m, 1);
      o[2 * cols + i] = wasm_i32x4_extract_lane(m, 2);
      o[3 * cols + i] = wasm_i32x4_extract_lane(m, 3);
    }
  }
  return seen < 0 ? 0 : 1;
}

/* Strips of four columns per pass over the rows (GROUPS strips per pass: 4 measured no faster than 1). */
#define GROUPS 1
static v128_t column_strips[GROUPS][MAX_STRIP + MAX_SIZE];
static v128_t column_medians[GROUPS][MAX_STRIP];

/*
 * Column medians: every COLUMN of the row-major rows x cols matrix at `input` filtered along its
 * rows, into `output` (must not overlap; cols >= 4, rows <= MAX_STRIP, odd size <= MAX_SIZE):
 * scipy.ndimage.median_filter(x, (size, 1), mode='reflect'). Four adjacent columns at a time
 * are copied into a strip (one v128 per row), filtered, and stored back. Returns 1
 * when every key was non-negative, 0 otherwise (the output is then meaningless), -1 for bad
 * arguments.
 */
__attribute__((export_name("median_columns")))
int median_columns(const int32_t *input, int32_t *output, int rows, int cols, int size) {
  if (rows < 1 || rows > MAX_STRIP || cols < 4 || size < 1 || size > MAX_SIZE || (size & 1) == 0) return -1;
  int half = size >> 1;
  int groups = (cols + 3) >> 2;
  v128_t seen = wasm_i32x4_splat(0);
  for (int g0 = 0; g0 < groups; g0 += GROUPS) {
    int count = groups - g0 < GROUPS ? groups - g0 : GROUPS;
    int c[GROUPS];
    for (int k = 0; k < count; k++) {
      int ck = 4 * (g0 + k);
      c[k] = ck + 4 <= cols ? ck : cols - 4; /* the last group overlaps the one before it */
    }
    for (int i = 0; i < rows + 2 * half; i++) {
      const int32_t *a = input + reflect(i - half, rows) * cols;
      for (int k = 0; k < count; k++) {
        v128_t v = wasm_v128_load(a + c[k]);
        seen = wasm_v128_or(seen, v);
        column_strips[k][i] = v;
      }
    }
    for (int k = 0; k < count; k++) {
      if (size == 31) slide31(column_strips[k], column_medians[k], rows);
      else slide_any(column_strips[k], column_medians[k], rows, size);
    }
    for (int t = 0; t < rows; t++) {
      int32_t *o = output + t * cols;
      for (int k = 0; k < count; k++) wasm_v128_store(o + c[k], column_medians[k][t]);
    }
  }
  return wasm_i32x4_bitmask(seen) == 0 ? 1 : 0;
}
