import { describe, expect, it } from 'vitest';
import { frameCount, padSignal, periodicHann, reflectIndex, stft } from './stft.js';

const sine = (hz: number, n: number, sr = 22050, amp = 0.5): Float32Array => Float32Array.from({ length: n }, (_, i) => amp * Math.sin((2 * Math.PI * hz * i) / sr));

describe('stft', () => {
  it('uses a periodic Hann window (scipy fftbins=True)', () => {
    const w = periodicHann(8);
    const expected = [0, 0.5 - 0.5 * Math.SQRT1_2, 0.5, 0.5 + 0.5 * Math.SQRT1_2, 1, 0.5 + 0.5 * Math.SQRT1_2, 0.5, 0.5 - 0.5 * Math.SQRT1_2];
    expected.forEach((v, i) => expect(w[i]).toBeCloseTo(v, 12));
  });

  it("pads with numpy 'reflect' (edge not repeated) and 'edge'", () => {
    const x = Float32Array.from([1, 2, 3, 4]);
    expect(Array.from(padSignal(x, 2, 'reflect'))).toEqual([3, 2, 1, 2, 3, 4, 3, 2]);
    expect(Array.from(padSignal(x, 2, 'edge'))).toEqual([1, 1, 1, 2, 3, 4, 4, 4]);
    expect([-1, -3, 4, 6].map((i) => reflectIndex(i, 4))).toEqual([1, 3, 2, 0]);
  });

  it('has 1 + floor(n / hop) centred frames', () => {
    expect(frameCount(661794, 512)).toBe(1293);
    expect(stft(new Float32Array(1000)).nFrames).toBe(2);
  });

  it("puts a sine's energy in its bin, with Parseval's energy", () => {
    const hz = 100 * (22050 / 2048); // exactly bin 100
    const spec = stft(sine(hz, 22050));
    const t = 10;
    let best = 0;
    for (let k = 0; k < spec.nBins; k++) if (spec.magnitude[t * spec.nBins + k]! > spec.magnitude[t * spec.nBins + best]!) best = k;
    expect(best).toBe(100);
    // windowed sine of amplitude A: |X[k]| = A * sum(w) / 2 = A * N / 4
    expect(spec.magnitude[t * spec.nBins + 100]!).toBeCloseTo((0.5 * 2048) / 4, 1);
    expect(spec.power[t * spec.nBins + 100]!).toBeCloseTo(spec.magnitude[t * spec.nBins + 100]! ** 2, 0);
  });
});
