import { frameCount, padSignal } from './stft.js';

/**
 * librosa 0.7 `feature.zero_crossing_rate(y, frame_length, hop_length, center=True)`: frames of
 * `frameLength` after edge padding of frameLength / 2; |x| <= 1e-10 counts as zero (non-negative);
 * sign changes inside each frame divided by frameLength.
 */
export function zeroCrossingRate(samples: Float32Array, frameLength = 2048, hopLength = 512, threshold = 1e-10): Float64Array {
  const padded = padSignal(samples, frameLength >> 1, 'edge');
  const negative = new Uint8Array(padded.length);
  for (let i = 0; i < padded.length; i++) negative[i] = padded[i]! < -threshold ? 1 : 0;
  // crossings[i] = 1 when sample i differs in sign from sample i - 1
  const prefix = new Int32Array(padded.length + 1);
  for (let i = 1; i < padded.length; i++) prefix[i + 1] = prefix[i]! + (negative[i] !== negative[i - 1] ? 1 : 0);
  const nFrames = frameCount(samples.length, hopLength);
  const out = new Float64Array(nFrames);
  for (let t = 0; t < nFrames; t++) {
    const start = t * hopLength;
    // pairs (start, start+1) .. (start+frameLength-2, start+frameLength-1)
    out[t] = (prefix[start + frameLength]! - prefix[start + 1]!) / frameLength;
  }
  return out;
}
