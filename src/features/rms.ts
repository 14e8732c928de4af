import { frameCount, padSignal } from './stft.js';

/**
 * librosa 0.7 `feature.rms(y, frame_length, hop_length, center=True)`: root mean square of
 * time-domain frames after reflect padding of frameLength / 2 on each side (not from the spectrum).
 * @param reflectPadded the samples already reflect-padded by frameLength / 2 each side (the
 *   STFT's padded signal), to skip padding them again
 * @returns one value per frame (1 + floor(length / hop) frames)
 */
export function rmsFrames(samples: Float32Array, frameLength = 2048, hopLength = 512, reflectPadded?: Float32Array): Float64Array {
  const pad = frameLength >> 1;
  if (reflectPadded !== undefined && reflectPadded.length !== samples.length + 2 * pad) throw new RangeError('rmsFrames: the padded signal has the wrong length');
  const padded = reflectPadded ?? padSignal(samples, pad, 'reflect');
  const nFrames = frameCount(samples.length, hopLength);
  const out = new Float64Array(nFrames);
  let t = 0;
  // four frames at once: four independent sums, each in the same order as one at a time
  for (; t + 4 <= nFrames; t += 4) {
    const s0 = t * hopLength;
    const s1 = s0 + hopLength;
    const s2 = s1 + hopLength;
    const s3 = s2 + hopLength;
    let a0 = 0, a1 = 0, a2 = 0, a3 = 0;
    for (let n = 0; n < frameLength; n++) {
      const x0 = padded[s0 + n]!;
      const x1 = padded[s1 + n]!;
      const x2 = padded[s2 + n]!;
      const x3 = padded[s3 + n]!;
      a0 += x0 * x0;
      a1 += x1 * x1;
      a2 += x2 * x2;
      a3 += x3 * x3;
    }
    out[t] = Math.sqrt(a0 / frameLength);
    out[t + 1] = Math.sqrt(a1 / frameLength);
    out[t + 2] = Math.sqrt(a2 / frameLength);
    out[t + 3] = Math.sqrt(a3 / frameLength);
  }
  for (; t < nFrames; t++) {
    const start = t * hopLength;
    let acc = 0;
    for (let n = start; n < start + frameLength; n++) acc += padded[n]! * padded[n]!;
    out[t] = Math.sqrt(acc / frameLength);
  }
  return out;
}
