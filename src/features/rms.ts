import { frameCount, padSignal } from './stft.js';

/**
 * librosa 0.7 `feature.rms(y, frame_length, hop_length, center=True)`: root mean square of
 * time-domain frames after reflect padding of frameLength / 2 on each side (not from the spectrum).
 * @returns one value per frame (1 + floor(length / hop) frames)
 */
export function rmsFrames(samples: Float32Array, frameLength = 2048, hopLength = 512): Float64Array {
  const padded = padSignal(samples, frameLength >> 1, 'reflect');
  const nFrames = frameCount(samples.length, hopLength);
  const out = new Float64Array(nFrames);
  for (let t = 0; t < nFrames; t++) {
    const start = t * hopLength;
    let acc = 0;
    for (let n = start; n < start + frameLength; n++) acc += padded[n]! * padded[n]!;
    out[t] = Math.sqrt(acc / frameLength);
  }
  return out;
}
