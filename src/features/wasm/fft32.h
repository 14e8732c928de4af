/*
 * A float32 complex FFT that runs four independent transforms at once: lane l of every vector
 * belongs to transform l, and the real and imaginary parts sit in separate vectors (cx4), so a
 * butterfly is plain lane-wise arithmetic with no shuffles. Twiddles are scalars splatted across
 * the lanes. Included by stft32.c, whose module it is part of.
 */
#include <stdint.h>
#include <wasm_simd128.h>

/* Point j of four transforms: re and im, lane l = transform l. */
typedef struct {
  v128_t re, im;
} cx4;

/* (a.re + i a.im)(wr + i wi), lane by lane. */
static inline cx4 cmul4(cx4 a, v128_t wr, v128_t wi) {
  cx4 r = {
    wasm_f32x4_sub(wasm_f32x4_mul(a.re, wr), wasm_f32x4_mul(a.im, wi)),
    wasm_f32x4_add(wasm_f32x4_mul(a.re, wi), wasm_f32x4_mul(a.im, wr)),
  };
  return r;
}

/* Transposes the 4 x 4 matrix whose rows are r[0..3]: afterwards r[i] lane j is the old r[j] lane i. */
static inline void transpose4(v128_t r[4]) {
  v128_t t0 = wasm_i32x4_shuffle(r[0], r[1], 0, 4, 1, 5), t1 = wasm_i32x4_shuffle(r[2], r[3], 0, 4, 1, 5);
  v128_t t2 = wasm_i32x4_shuffle(r[0], r[1], 2, 6, 3, 7), t3 = wasm_i32x4_shuffle(r[2], r[3], 2, 6, 3, 7);
  r[0] = wasm_i32x4_shuffle(t0, t1, 0, 1, 4, 5);
  r[1] = wasm_i32x4_shuffle(t0, t1, 2, 3, 6, 7);
  r[2] = wasm_i32x4_shuffle(t2, t3, 0, 1, 4, 5);
  r[3] = wasm_i32x4_shuffle(t2, t3, 2, 3, 6, 7);
}

/*
 * The radix-4 butterfly of fft4x on a[0], a[q], a[2q], a[3q], given b, c, d: a[q], a[2q], a[3q]
 * already times their twiddles w^2, w, w^3 (see radix4_pass):
 * X[0] = T0 + T2, X[q] = T1 - i T3, X[2q] = T0 - T2, X[3q] = T1 + i T3, with T0, T1 = a[0] +- b and
 * T2, T3 = c +- d.
 */
static inline void butterfly4(cx4 *a, int q, cx4 b, cx4 c, cx4 d) {
  cx4 a0 = a[0];
  v128_t t0r = wasm_f32x4_add(a0.re, b.re), t0i = wasm_f32x4_add(a0.im, b.im);
  v128_t t1r = wasm_f32x4_sub(a0.re, b.re), t1i = wasm_f32x4_sub(a0.im, b.im);
  v128_t t2r = wasm_f32x4_add(c.re, d.re), t2i = wasm_f32x4_add(c.im, d.im);
  v128_t t3r = wasm_f32x4_sub(c.re, d.re), t3i = wasm_f32x4_sub(c.im, d.im);
  a[0].re = wasm_f32x4_add(t0r, t2r);
  a[0].im = wasm_f32x4_add(t0i, t2i);
  a[2 * q].re = wasm_f32x4_sub(t0r, t2r);
  a[2 * q].im = wasm_f32x4_sub(t0i, t2i);
  /* -i (t3r + i t3i) = t3i - i t3r */
  a[q].re = wasm_f32x4_add(t1r, t3i);
  a[q].im = wasm_f32x4_sub(t1i, t3r);
  a[3 * q].re = wasm_f32x4_sub(t1r, t3i);
  a[3 * q].im = wasm_f32x4_add(t1i, t3r);
}

/*
 * The radix-4 pass of fft4x for blocks of `len` points over x[0 .. span) (span a multiple of len).
 * Each block holds four DFTs of q = len / 4 points, a0..a3 (bit-reversed order: a0, a1 of the
 * block's even samples, a2, a3 of its odd ones). With w = e^(-2 pi i k / len), the first radix-2
 * stage makes E = a0 +- w^2 a1 and O = a2 +- w^2 a3 (DFTs of 2q points), the second X = E +- w' O,
 * where w' = w for k < q and w' = -i w for the second half of O: butterfly4 with b = w^2 a1,
 * c = w a2, d = w^3 a3. w^j is table entry j n / len; k = 0 needs no product.
 */
static void radix4_pass(cx4 *restrict x, int span, int len, int n, const float *restrict cosT, const float *restrict sinT) {
  int q = len >> 2;
  int stride = n / len;
  for (int o = 0; o < span; o += len) {
    cx4 *a = x + o;
    butterfly4(a, q, a[q], a[2 * q], a[3 * q]);
    for (int k = 1; k < q; k++) {
      int t1 = k * stride, t2 = 2 * t1, t3 = 3 * t1;
      cx4 b = cmul4(a[k + q], wasm_v128_load32_splat(cosT + t2), wasm_v128_load32_splat(sinT + t2));
      cx4 c = cmul4(a[k + 2 * q], wasm_v128_load32_splat(cosT + t1), wasm_v128_load32_splat(sinT + t1));
      cx4 d = cmul4(a[k + 3 * q], wasm_v128_load32_splat(cosT + t3), wasm_v128_load32_splat(sinT + t3));
      butterfly4(a + k, q, b, c, d);
    }
  }
}

/*
 * The first two passes of fft4x when log2n is odd, fused over each group of 8 points in
 * registers: 2-point DFTs of adjacent pairs, then the radix-4 pass of length 8, whose twiddles
 * are constants: for k = 1, w = (1 - i) / sqrt 2, w^2 = -i, w^3 = -(1 + i) / sqrt 2.
 */
static void radix8_first(cx4 *restrict x, int span) {
  const v128_t r = wasm_f32x4_splat(0.70710678118654752f); /* 1 / sqrt 2 */
  for (int o = 0; o < span; o += 8) {
    cx4 *a = x + o;
    cx4 y[8];
    for (int j = 0; j < 8; j += 2) {
      y[j].re = wasm_f32x4_add(a[j].re, a[j + 1].re);
      y[j].im = wasm_f32x4_add(a[j].im, a[j + 1].im);
      y[j + 1].re = wasm_f32x4_sub(a[j].re, a[j + 1].re);
      y[j + 1].im = wasm_f32x4_sub(a[j].im, a[j + 1].im);
    }
    /* k = 0: no twiddles */
    a[0] = y[0];
    butterfly4(a, 2, y[2], y[4], y[6]);
    /* k = 1: -i y3; w y5 = ((re + im) + i (im - re)) / sqrt 2; w^3 y7 = ((im - re) - i (re + im)) / sqrt 2 */
    cx4 b = {y[3].im, wasm_f32x4_neg(y[3].re)};
    cx4 c = {wasm_f32x4_mul(wasm_f32x4_add(y[5].re, y[5].im), r), wasm_f32x4_mul(wasm_f32x4_sub(y[5].im, y[5].re), r)};
    cx4 d = {wasm_f32x4_mul(wasm_f32x4_sub(y[7].im, y[7].re), r), wasm_f32x4_neg(wasm_f32x4_mul(wasm_f32x4_add(y[7].re, y[7].im), r))};
    a[1] = y[1];
    butterfly4(a + 1, 2, b, c, d);
  }
}

/* Points per block that fft4x finishes before moving on: 16 KB of cx4, which stays in L1. */
#define FFT4X_BLOCK 512

/*
 * Forward DFT X[k] = sum_j x[j] e^(-2 pi i jk / n) of four transforms in place, n = 2^log2n >= 4
 * points. x must hold the input in bit-reversed order (x[bitrev(j)] = input j); the output is in
 * natural order. cosT[j], sinT[j] = cos(2 pi j / n), -sin(2 pi j / n) for j < n (float32).
 * Radix-2 decimation in time with pairs of stages merged into one radix-4 pass; when log2n is odd
 * (so n >= 8) the first three stages are radix8_first. The passes on blocks of up to FFT4X_BLOCK
 * points run block by block (each block is independent until the pass whose length exceeds it),
 * the rest over all of x.
 */
static void fft4x(cx4 *restrict x, int log2n, const float *restrict cosT, const float *restrict sinT) {
  int n = 1 << log2n;
  int odd = log2n & 1;
  int first = odd ? 32 : 4; /* the first radix4_pass's length */
  int block = first;
  while (block * 4 <= n && block * 4 <= FFT4X_BLOCK) block *= 4;
  if (block > n) block = n; /* n = 8: radix8_first is the whole transform */
  for (int b = 0; b < n; b += block) {
    if (odd) radix8_first(x + b, block);
    for (int len = first; len <= block; len <<= 2) radix4_pass(x + b, block, len, n, cosT, sinT);
  }
  for (int len = block * 4; len <= n; len <<= 2) radix4_pass(x, n, len, n, cosT, sinT);
}
