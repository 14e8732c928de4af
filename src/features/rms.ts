import { frameCount, padSignal } from './stft.js';

/** The block sums of the last call, reused (this module's own: never handed out). */
let blockScratch = new Float64Array(0);

/**
 * librosa 0.7 `feature.rms(y, frame_length, hop_length, center=True)`: root mean square of
 * time-domain frames after reflect padding of frameLength / 2 on each side (not from the spectrum).
 * The frames overlap, so the squares are summed once per block of gcd(frameLength, hopLength)
 * samples and each frame adds up its blocks (4 of 512 samples at the defaults): each square is
 * read once rather than frameLength / hopLength times.
 * @param reflectPadded the samples already reflect-padded by frameLength / 2 each side (the
 *   STFT's padded signal), to skip padding them again
 * @returns one value per frame (1 + floor(length / hop) frames)
 */
export function rmsFrames(samples: Float32Array, frameLength = 2048, hopLength = 512, reflectPadded?: Float32Array): Float64Array {
  const pad = frameLength >> 1;
  if (reflectPadded !== undefined && reflectPadded.length !== samples.length + 2 * pad) throw new RangeError('rmsFrames: the padded signal has the wrong length');
  const padded = reflectPadded ?? padSignal(samples, pad, 'reflect');
  const nFrames = frameCount(samples.length, hopLength);
  const block = gcd(frameLength, hopLength);
  const blocksPerFrame = frameLength / block;
  const blocksPerHop = hopLength / block;
  const nBlocks = (nFrames - 1) * blocksPerHop + blocksPerFrame;
  if (blockScratch.length < nBlocks) blockScratch = new Float64Array(nBlocks);
  const sums = blockScratch;
  for (let b = 0; b < nBlocks; b++) {
    const start = b * block;
    let acc = 0;
    for (let n = start; n < start + block; n++) acc += padded[n]! * padded[n]!;
    sums[b] = acc;
  }
  const out = new Float64Array(nFrames);
  for (let t = 0; t < nFrames; t++) {
    const first = t * blocksPerHop;
    let acc = 0;
    for (let b = first; b < first + blocksPerFrame; b++) acc += sums[b]!;
    out[t] = Math.sqrt(acc / frameLength);
  }
  return out;
}

function gcd(a: number, b: number): number {
  while (b !== 0) [a, b] = [b, a % b];
  return a;
}
