/*
 * A float32 complex FFT that runs four independent transforms at once: lane l of every vector
 * belongs to transform l, and the real and imaginary parts sit in separate vectors (cx4), so a
 * butterfly is plain lane-wise arithmetic with no shuffles. Twiddles are scalars splatted across
 * the lanes. Included by stft32.c (each .c file builds one .wasm, so the transform is a header).
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
 * The radix-4 pass of fft4x for blocks of `len` points over x[0 .. span) (span a multiple of len).
 * Each block holds four DFTs of q = len / 4 points, a0..a3 (bit-reversed order: a0, a1 of the
 * block's even samples, a2, a3 of its odd ones). With w = e^(-2 pi i k / len), the first radix-2
 * stage makes E = a0 +- w^2 a1 and O = a2 +- w^2 a3 (DFTs of 2q points), the second X = E +- w' O,
 * where w' = w for k < q and w' = -i w for the second half of O:
 * X[k] = T0 + T2, X[k + q] = T1 - i T3, X[k + 2q] = T0 - T2, X[k + 3q] = T1 + i T3, with
 * T0, T1 = a0 +- w^2 a1 and T2, T3 = w a2 +- w^3 a3. w^j is table entry j n / len.
 */
static void radix4_pass(cx4 *restrict x, int span, int len, int n, const float *restrict cosT, const float *restrict sinT) {
  int q = len >> 2;
  int stride = n / len;
  for (int o = 0; o < span; o += len) {
    cx4 *a = x + o;
    for (int k = 0; k < q; k++) {
      int t1 = k * stride, t2 = 2 * t1, t3 = 3 * t1;
      cx4 a0 = a[k];
      cx4 b = cmul4(a[k + q], wasm_v128_load32_splat(cosT + t2), wasm_v128_load32_splat(sinT + t2));
      cx4 c = cmul4(a[k + 2 * q], wasm_v128_load32_splat(cosT + t1), wasm_v128_load32_splat(sinT + t1));
      cx4 d = cmul4(a[k + 3 * q], wasm_v128_load32_splat(cosT + t3), wasm_v128_load32_splat(sinT + t3));
      v128_t t0r = wasm_f32x4_add(a0.re, b.re), t0i = wasm_f32x4_add(a0.im, b.im);
      v128_t t1r = wasm_f32x4_sub(a0.re, b.re), t1i = wasm_f32x4_sub(a0.im, b.im);
      v128_t t2r = wasm_f32x4_add(c.re, d.re), t2i = wasm_f32x4_add(c.im, d.im);
      v128_t t3r = wasm_f32x4_sub(c.re, d.re), t3i = wasm_f32x4_sub(c.im, d.im);
      a[k].re = wasm_f32x4_add(t0r, t2r);
      a[k].im = wasm_f32x4_add(t0i, t2i);
      a[k + 2 * q].re = wasm_f32x4_sub(t0r, t2r);
      a[k + 2 * q].im = wasm_f32x4_sub(t0i, t2i);
      /* -i (t3r + i t3i) = t3i - i t3r */
      a[k + q].re = wasm_f32x4_add(t1r, t3i);
      a[k + q].im = wasm_f32x4_sub(t1i, t3r);
      a[k + 3 * q].re = wasm_f32x4_sub(t1r, t3i);
      a[k + 3 * q].im = wasm_f32x4_add(t1i, t3r);
    }
  }
}

/* Points per block that fft4x finishes before moving on: 16 KB of cx4, which stays in L1. */
#define FFT4X_BLOCK 512

/*
 * Forward DFT X[k] = sum_j x[j] e^(-2 pi i jk / n) of four transforms in place, n = 2^log2n >= 4
 * points. x must hold the input in bit-reversed order (x[bitrev(j)] = input j); the output is in
 * natural order. cosT[j], sinT[j] = cos(2 pi j / n), -sin(2 pi j / n) for j < n (float32).
 * Radix-2 decimation in time with pairs of stages merged into one radix-4 pass (a first radix-2
 * pass when log2n is odd). The passes on blocks of up to FFT4X_BLOCK points run block by block
 * (each block is independent until the pass whose length exceeds it), the rest over all of x.
 */
static void fft4x(cx4 *restrict x, int log2n, const float *restrict cosT, const float *restrict sinT) {
  int n = 1 << log2n;
  int first = log2n & 1 ? 8 : 4; /* the first radix-4 pass's length */
  int block = first;
  while (block * 4 <= n && block * 4 <= FFT4X_BLOCK) block *= 4;
  for (int b = 0; b < n; b += block) {
    cx4 *y = x + b;
    if (log2n & 1) {
      /* 2-point DFTs of adjacent pairs */
      for (int j = 0; j < block; j += 2) {
        cx4 p = y[j], r = y[j + 1];
        y[j].re = wasm_f32x4_add(p.re, r.re);
        y[j].im = wasm_f32x4_add(p.im, r.im);
        y[j + 1].re = wasm_f32x4_sub(p.re, r.re);
        y[j + 1].im = wasm_f32x4_sub(p.im, r.im);
      }
    }
    for (int len = first; len <= block; len <<= 2) radix4_pass(y, block, len, n, cosT, sinT);
  }
  for (int len = block * 4; len <= n; len <<= 2) radix4_pass(x, n, len, n, cosT, sinT);
}
