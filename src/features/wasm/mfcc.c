/*
 * The DCT product of mfcc.ts (mfccFromLogMel): for every frame of a frame-major float32 log-mel
 * (nFrames x nMels) the 20 sums of the DCT matrix (mel-major float64, nMels x 20) times the frame,
 * frame-major float64 out (nFrames x 20), m ascending: the JS loop's bits (bank-sums.h).
 */
#include "bank-sums.h"

__attribute__((export_name("mfcc_sums")))
void mfcc_sums(const float *restrict logMel, const double *restrict dct, double *restrict out, int nFrames, int nMels) {
  bank_sums(logMel, dct, out, nFrames, nMels, 10);
}
