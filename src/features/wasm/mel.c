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

/*
 * The log10 of mel.ts (its JS twin, the same operations, so the same bits; wasm has no fused
 * multiply-add): x = 2^e m, m in [1, 2) exactly, then halved when above sqrt(2) so that
 * s = (m - 1) / (m + 1) stays within 0.1716; log m = 2 atanh(s) by its series up to s^21 (the
 * next term is below 2^-54 of s); log10 x = e log10(2) + log m log10(e), with log10(2) split into
 * a 32-bit head (e times it is exact) and the rest. Within a few units in the last place of the
 * double result; Math.log10 is not specified to the bit, hence a log10 of our own.
 */
#define SQRT2 1.4142135623730951
#define LOG10_2_HI 0x1.34413508p-2
#define LOG10_2_LO 0x1.f79fef311f12bp-34
#define LOG10_E 0.4342944819032518

#define SPLAT wasm_f64x2_splat
#define ADD wasm_f64x2_add
#define MUL wasm_f64x2_mul

/* log10 of 2^e m, two lanes: m in [1, 2), e an integer (as a double). */
static v128_t log10_parts(v128_t m, v128_t e) {
  const v128_t high = wasm_f64x2_gt(m, SPLAT(SQRT2));
  m = wasm_v128_bitselect(MUL(m, SPLAT(0.5)), m, high);
  e = wasm_v128_bitselect(ADD(e, SPLAT(1)), e, high);
  const v128_t s = wasm_f64x2_div(wasm_f64x2_sub(m, SPLAT(1)), ADD(m, SPLAT(1)));
  const v128_t r = MUL(s, s);
  v128_t p = SPLAT(1.0 / 21);
  p = ADD(SPLAT(1.0 / 19), MUL(r, p));
  p = ADD(SPLAT(1.0 / 17), MUL(r, p));
  p = ADD(SPLAT(1.0 / 15), MUL(r, p));
  p = ADD(SPLAT(1.0 / 13), MUL(r, p));
  p = ADD(SPLAT(1.0 / 11), MUL(r, p));
  p = ADD(SPLAT(1.0 / 9), MUL(r, p));
  p = ADD(SPLAT(1.0 / 7), MUL(r, p));
  p = ADD(SPLAT(1.0 / 5), MUL(r, p));
  p = ADD(SPLAT(1.0 / 3), MUL(r, p));
  const v128_t logm = MUL(SPLAT(2), ADD(s, MUL(MUL(s, r), p)));
  return ADD(MUL(e, SPLAT(LOG10_2_HI)), ADD(MUL(e, SPLAT(LOG10_2_LO)), MUL(logm, SPLAT(LOG10_E))));
}

/* m and e of two positive normal doubles, from their bits (exact). */
static v128_t log10_normal(v128_t x) {
  const v128_t m = wasm_v128_or(wasm_v128_and(x, wasm_i64x2_splat(0x000FFFFFFFFFFFFFLL)), wasm_i64x2_splat(0x3FF0000000000000LL));
  const v128_t e = wasm_i64x2_sub(wasm_u64x2_shr(x, 52), wasm_i64x2_splat(1023));
  return log10_parts(m, wasm_f64x2_convert_low_i32x4(wasm_i32x4_shuffle(e, e, 0, 2, 0, 2)));
}

/* Any double: NaN and negatives give NaN, 0 -Infinity, Infinity itself; subnormals are scaled by 2^54 first. */
static double log10_any(double x) {
  if (!(x > 0)) return x == 0 ? -__builtin_inf() : __builtin_nan("");
  if (x == __builtin_inf()) return x;
  double shift = 0;
  if (x < 0x1p-1022) {
    x *= 0x1p54;
    shift = 54;
  }
  const v128_t bits = SPLAT(x);
  const v128_t m = wasm_v128_or(wasm_v128_and(bits, wasm_i64x2_splat(0x000FFFFFFFFFFFFFLL)), wasm_i64x2_splat(0x3FF0000000000000LL));
  const double e = (double)((int)(wasm_i64x2_extract_lane(bits, 0) >> 52) - 1023) - shift;
  return wasm_f64x2_extract_lane(log10_parts(m, SPLAT(e)), 0);
}

/*
 * mel.ts powerToDbInPlace's loops in place on n float32 values: 10 log10(max(amin, v)) - refDb,
 * stored as float32; returns the largest of those values before rounding (-Infinity if none),
 * from which the caller takes the floor; then floor_db raises everything below it.
 */
__attribute__((export_name("power_to_db")))
double power_to_db(float *restrict values, int n, double amin, double refDb) {
  const v128_t lo = SPLAT(amin), ref = SPLAT(refDb), ten = SPLAT(10);
  v128_t best = SPLAT(-__builtin_inf());
  int i = 0;
  for (; i + 2 <= n; i += 2) {
    /* max propagates a NaN as Math.max does */
    const v128_t x = wasm_f64x2_max(lo, wasm_f64x2_promote_low_f32x4(wasm_v128_load64_zero(values + i)));
    /* all lanes positive, normal and finite: the two-lane path; otherwise lane by lane */
    const v128_t normal = wasm_v128_and(wasm_f64x2_ge(x, SPLAT(0x1p-1022)), wasm_f64x2_lt(x, SPLAT(__builtin_inf())));
    v128_t lg;
    if (wasm_i64x2_all_true(normal)) lg = log10_normal(x);
    else lg = wasm_f64x2_make(log10_any(wasm_f64x2_extract_lane(x, 0)), log10_any(wasm_f64x2_extract_lane(x, 1)));
    const v128_t db = wasm_f64x2_sub(MUL(ten, lg), ref);
    best = wasm_f64x2_pmax(best, db); /* best < db ? db : best: a NaN never wins */
    wasm_v128_store64_lane(values + i, wasm_f32x4_demote_f64x2_zero(db), 0);
  }
  double out = wasm_f64x2_extract_lane(best, 0), other = wasm_f64x2_extract_lane(best, 1);
  if (other > out) out = other;
  for (; i < n; i++) {
    double x = values[i];
    x = x != x ? x : (x > amin ? x : amin);
    const double db = 10 * log10_any(x) - refDb;
    if (db > out) out = db;
    values[i] = (float)db;
  }
  return out;
}

__attribute__((export_name("floor_db")))
void floor_db(float *restrict values, int n, float floor) {
  const v128_t f = wasm_f32x4_splat(floor);
  int i = 0;
  /* pmax(v, f) = v < f ? f : v: a NaN stays */
  for (; i + 4 <= n; i += 4) wasm_v128_store(values + i, wasm_f32x4_pmax(wasm_v128_load(values + i), f));
  for (; i < n; i++)
    if (values[i] < floor) values[i] = floor;
}
