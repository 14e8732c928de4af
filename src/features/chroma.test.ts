import { describe, expect, it } from 'vitest';
import { chromaFilterbank, chromaStft } from './chroma.js';
import { stft } from './stft.js';
import { estimateTuning, pitchTuning } from './tuning.js';

const SR = 22050;
const sine = (hz: number, n: number): Float32Array => Float32Array.from({ length: n }, (_, i) => 0.5 * Math.sin((2 * Math.PI * hz * i) / SR));

describe('chroma_stft', () => {
  it('puts A440 in chroma bin 9 (C first) with a per-frame maximum of 1', () => {
    const spec = stft(sine(440, 2 * SR));
    const chroma = chromaStft(spec.power, spec.nFrames, spec.nBins, SR, 2048);
    const t = 20;
    const frame = Array.from({ length: 12 }, (_, c) => chroma.values[c * chroma.nFrames + t]!);
    expect(frame.indexOf(Math.max(...frame))).toBe(9);
    expect(Math.max(...frame)).toBe(1);
    expect(Math.abs(chroma.tuning)).toBeLessThanOrEqual(0.05);
  });

  it('has L2-normalised Gaussian columns before octave weighting', () => {
    const fb = chromaFilterbank(SR, 2048, 0);
    const nBins = 1025;
    expect(fb.length).toBe(12 * nBins);
    // the centre octave is 5 octaves above A0 (27.5 Hz): at 880 Hz the octave weight is ~1
    const k = Math.round(880 / (SR / 2048));
    let norm = 0;
    for (let c = 0; c < 12; c++) norm += fb[c * nBins + k]! ** 2;
    expect(Math.sqrt(norm)).toBeCloseTo(1, 2);
    // rows start at C, so A is row 9
    let best = 0;
    for (let c = 1; c < 12; c++) if (fb[c * nBins + k]! > fb[best * nBins + k]!) best = c;
    expect(best).toBe(9);
  });
});

describe('tuning estimation', () => {
  it('finds the deviation of a detuned tone in 0.01-bin steps', () => {
    const hz = 440 * 2 ** (0.25 / 12);
    const spec = stft(sine(hz, 2 * SR));
    expect(estimateTuning(spec.power, spec.nFrames, spec.nBins, SR, 2048)).toBeCloseTo(0.25, 1);
  });

  it('returns the left edge of the fullest histogram bin, and 0 when empty', () => {
    expect(pitchTuning([440, 440, 440 * 2 ** (0.1 / 12)])).toBeCloseTo(-0.0, 10);
    expect(pitchTuning([])).toBe(0);
    expect(pitchTuning([440 * 2 ** (0.305 / 12)])).toBeCloseTo(0.3, 10);
  });
});
