import { padSignal } from './stft.js';
import { zcrKernel } from './wasm/zcr-wasm.js';

/** The prefix counts of the last call, reused (this module's own: never handed out). */
let prefixScratch = new Int32Array(0);

/**
 * librosa 0.7 `feature.zero_crossing_rate(y, frame_length, hop_length, center=True)`: frames of
 * `frameLength` after edge padding of frameLength / 2; |x| <= 1e-10 counts as zero (non-negative);
 * sign changes inside each frame divided by frameLength.
 */
export function zeroCrossingRate(samples: Float32Array, frameLength = 2048, hopLength = 512, threshold = 1e-10): Float64Array {
  const pad = frameLength >> 1;
  const length = samples.length + 2 * pad;
  // librosa frames the padded signal: 1 + (length - frameLength) // hop, which is one frame fewer
  // than the STFT's count when frameLength is odd and the hop divides the length
  const nFrames = 1 + Math.floor((length - frameLength) / hopLength);
  const kernel = zcrPath.useWasm ? zcrKernel() : null;
  if (kernel !== null) {
    // wasm/zcr.c: the same integer counts per frame, four samples per i32x4
    const rates = new Float64Array(nFrames);
    kernel.frames(samples, frameLength, hopLength, threshold, rates);
    return rates;
  }
  const n = samples.length;
  // prefix[i + 1] counts the crossings up to padded sample i: a crossing at i when its sign differs
  // from sample i - 1's. The edge-padded signal is read in place: samples[0] repeated before,
  // samples[n - 1] after.
  if (prefixScratch.length < length + 1) prefixScratch = new Int32Array(length + 1);
  const prefix = prefixScratch;
  prefix.fill(0, 0, Math.min(length + 1, pad + 2));
  if (n > 0) {
    // the left padding and samples[0] share one sign: no crossings up to index pad (prefix stays 0)
    // signs as 0/1 and crossings counted by xor: no branch to mispredict at every crossing
    let prev = samples[0]! < -threshold ? 1 : 0;
    let count = 0;
    for (let i = pad + 1; i < pad + n; i++) {
      const neg = samples[i - pad]! < -threshold ? 1 : 0;
      count += neg ^ prev;
      prev = neg;
      prefix[i + 1] = count;
    }
    for (let i = pad + n; i < length; i++) prefix[i + 1] = count;
  } else {
    const padded = padSignal(samples, pad, 'edge');
    for (let i = 1; i < padded.length; i++) prefix[i + 1] = prefix[i]! + ((padded[i]! < -threshold) !== (padded[i - 1]! < -threshold) ? 1 : 0);
  }
  const out = new Float64Array(nFrames);
  for (let t = 0; t < nFrames; t++) {
    const start = t * hopLength;
    // pairs (start, start+1) .. (start+frameLength-2, start+frameLength-1)
    out[t] = (prefix[start + frameLength]! - prefix[start + 1]!) / frameLength;
  }
  return out;
}

/** Which path {@link zeroCrossingRate} takes: wasm/zcr.c (same bits) when it loads, else JS. */
export const zcrPath = { useWasm: true };
