import { describe, expect, it } from 'vitest';
import { rmsFrames } from './rms.js';
import { spectralShape } from './spectral.js';
import { stft } from './stft.js';
import { zeroCrossingRate } from './zcr.js';

const SR = 22050;
const sine = (hz: number, n: number, amp = 0.5): Float32Array => Float32Array.from({ length: n }, (_, i) => amp * Math.sin((2 * Math.PI * hz * i) / SR));

describe('spectral centroid, bandwidth, roll-off', () => {
  it("puts a sine's centroid and roll-off at its frequency, with a narrow bandwidth", () => {
    const hz = 200 * (SR / 2048);
    const spec = stft(sine(hz, SR));
    const shape = spectralShape(spec.magnitude, spec.nFrames, spec.nBins, SR);
    const t = 10;
    // the Hann main lobe is symmetric around the bin, so the centroid sits on it
    expect(shape.centroidHz[t]).toBeCloseTo(hz, 0);
    expect(Math.abs(shape.rolloffHz[t]! - hz)).toBeLessThanOrEqual(SR / 2048);
    expect(shape.bandwidthHz[t]!).toBeLessThan(60);
  });

  it('gives 0 for silent frames', () => {
    const spec = stft(new Float32Array(4096));
    const shape = spectralShape(spec.magnitude, spec.nFrames, spec.nBins, SR);
    expect(Array.from(shape.centroidHz)).toEqual(Array.from({ length: spec.nFrames }, () => 0));
    expect(Array.from(shape.rolloffHz)).toEqual(Array.from({ length: spec.nFrames }, () => 0));
  });

  it("puts white noise's centroid near a quarter of the sample rate", () => {
    let seed = 1;
    const noise = Float32Array.from({ length: SR }, () => ((seed = (seed * 16807) % 2147483647) / 2147483647) - 0.5);
    const spec = stft(noise);
    const shape = spectralShape(spec.magnitude, spec.nFrames, spec.nBins, SR);
    expect(shape.centroidHz[10]! / (SR / 4)).toBeCloseTo(1, 1);
    expect(shape.rolloffHz[10]! / (0.85 * SR / 2)).toBeCloseTo(1, 1);
  });
});

describe('rms', () => {
  it('is the amplitude of a constant and amplitude / sqrt(2) for a sine', () => {
    expect(rmsFrames(new Float32Array(8192).fill(0.25))[3]).toBeCloseTo(0.25, 7);
    expect(rmsFrames(sine(441, 8192))[4]).toBeCloseTo(0.5 / Math.SQRT2, 3);
  });

  it('equals a direct sum over each frame for any frame length and hop (block sums per gcd)', () => {
    let seed = 4;
    const x = Float32Array.from({ length: 5000 }, () => ((seed = (seed * 16807) % 2147483647) / 2147483647) * 2 - 1);
    for (const [frameLength, hop] of [[2048, 512], [2047, 512], [1000, 300], [64, 64], [16, 24]] as const) {
      const pad = frameLength >> 1;
      const padded = new Float32Array(x.length + 2 * pad);
      padded.set(x, pad);
      for (let i = 0; i < pad; i++) {
        padded[pad - 1 - i] = x[i + 1]!;
        padded[pad + x.length + i] = x[x.length - 2 - i]!;
      }
      const got = rmsFrames(x, frameLength, hop);
      expect(got.length).toBe(1 + Math.floor(x.length / hop));
      for (let t = 0; t < got.length; t++) {
        let acc = 0;
        for (let n = t * hop; n < t * hop + frameLength; n++) acc += padded[n]! ** 2;
        expect(Math.abs(got[t]! - Math.sqrt(acc / frameLength)), `${frameLength}/${hop} frame ${t}`).toBeLessThan(1e-12);
      }
    }
  });

  it('reflect-pads the edges (time domain, not the spectrum)', () => {
    const x = new Float32Array(4096);
    x[1] = 1;
    // frame 0 covers padded[0..2047] = reflect(x)[-1024..1023]: x[1] twice (reflected and itself)
    expect(rmsFrames(x)[0]).toBeCloseTo(Math.sqrt(2 / 2048), 9);
  });
});

describe('zero-crossing rate', () => {
  it('counts sign changes inside each 2048-sample frame, divided by 2048', () => {
    const alternating = Float32Array.from({ length: 8192 }, (_, i) => (i % 2 ? -0.5 : 0.5));
    expect(zeroCrossingRate(alternating)[2]).toBe(2047 / 2048);
    // a sine of f Hz crosses zero 2 f times per second
    expect(zeroCrossingRate(sine(441, SR))[10]!).toBeCloseTo((2 * 441) / SR, 3);
  });

  it('frames an odd frame length as librosa does: 1 + (n + 2 (frameLength >> 1) - frameLength) // hop frames', () => {
    // 4096 + 2 * 2 padded samples hold 1 + (4100 - 5) // 512 = 8 frames of 5, not the STFT's 1 + 4096 // 512 = 9
    const rates = zeroCrossingRate(sine(441, SR).subarray(0, 4096), 5, 512);
    expect(rates.length).toBe(8);
    expect(rates.every(Number.isFinite)).toBe(true);
  });

  it('counts |x| <= 1e-10 as zero, which is not negative', () => {
    const tiny = Float32Array.from({ length: 4096 }, (_, i) => (i % 2 ? -1e-11 : 1e-11));
    expect(Array.from(zeroCrossingRate(tiny))).toEqual([0, 0, 0, 0, 0, 0, 0, 0, 0]);
  });
});
