/*
 * The two loops of chroma.ts (chromaStft) over a frame-major float32 power spectrogram
 * (nFrames x nBins), each giving the same bits as its JS reference:
 * - tuning_peaks: tuning.ts's piptrack peaks (piptrackPeaks), operation for operation (JS
 *   numbers are doubles; Math.fround is a cast to float).
 * - chroma_sums: the 12 x nBins filter bank (bin-major float64, nBins x 12) times each frame,
 *   frame-major float64 out (nFrames x 12), k ascending (bank-sums.h).
 */
#include "bank-sums.h"

#define FLT_MIN_NORMAL 1.1754943508222875e-38

__attribute__((export_name("chroma_sums")))
void chroma_sums(const float *restrict power, const double *restrict fb, double *restrict out, int nFrames, int nBins) {
  bank_sums(power, fb, out, nFrames, nBins, 6);
}

/* The largest value of x[0..n) above 0 (NaNs skipped), as `if (x > max) max = x` from 0. */
static float column_max(const float *x, int n) {
  v128_t m = wasm_f32x4_splat(0);
  int k = 0;
  /* pmax(m, v) = m < v ? v : m: a NaN lane never replaces, as in the scalar rule */
  for (; k + 4 <= n; k += 4) m = wasm_f32x4_pmax(m, wasm_v128_load(x + k));
  float lanes[4], best = 0;
  wasm_v128_store(lanes, m);
  for (int j = 0; j < 4; j++)
    if (lanes[j] > best) best = lanes[j];
  for (; k < n; k++)
    if (x[k] > best) best = x[k];
  return best;
}

/*
 * For each frame, the bins k in [lo, hi] that peak in the column thresholded at 0.1 x its
 * maximum (x > left, x >= right; values at or below the threshold count as 0), refined by
 * parabolic interpolation: pitch (Hz) and magnitude into pitches[] / mags[], frames then bins in
 * ascending order. Returns how many. Needs lo >= 1 and hi <= nBins - 2.
 */
__attribute__((export_name("tuning_peaks")))
int tuning_peaks(const float *restrict power, int nFrames, int nBins, int lo, int hi, double sampleRateHz, double nFft, float *restrict pitches, float *restrict mags) {
  int count = 0;
  for (int t = 0; t < nFrames; t++) {
    const float *s = power + t * nBins;
    const float ref = (float)(0.1 * (double)column_max(s, nBins));
    float left = s[lo - 1];
    if (!(left > ref)) left = 0;
    float x = s[lo];
    if (!(x > ref)) x = 0;
    for (int k = lo; k <= hi; k++) {
      float right = s[k + 1];
      if (!(right > ref)) right = 0;
      const int peak = x > left && x >= right;
      left = x;
      x = right;
      if (!peak) continue;
      const double s0 = s[k - 1], s1 = s[k], s2 = s[k + 1];
      const float avg = (float)(0.5 * (double)(float)(s2 - s0));
      float shift = (float)((double)(float)(2 * s1 - s2) - s0);
      const double fshift = shift;
      shift = (float)(avg / (fshift + (__builtin_fabs(fshift) < FLT_MIN_NORMAL ? 1 : 0)));
      pitches[count] = (float)((((double)k + shift) * sampleRateHz) / nFft);
      mags[count] = (float)(s1 + (double)(float)((double)(float)(0.5 * (double)avg) * shift));
      count++;
    }
  }
  return count;
}
