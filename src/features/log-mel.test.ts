import { describe, expect, it } from 'vitest';
import { hopForColumns, logMelSpectrogram } from './log-mel.js';

describe('hopForColumns', () => {
  it("keeps librosa's 512 for a 30 s clip and coarsens long tracks up to 2048", () => {
    expect(hopForColumns(661_794, 1000)).toBe(512);
    expect(hopForColumns(180 * 22_050, 1000)).toBe(2048);
    expect(hopForColumns(60 * 22_050, 1000)).toBe(1024);
    expect(hopForColumns(3600 * 22_050, 1000)).toBe(2048);
    expect(hopForColumns(100, 1000)).toBe(512);
  });
});

describe('logMelSpectrogram with a coarser hop', () => {
  it('gives every 4th frame of the 512-hop log-mel, up to the dB reference', () => {
    const sr = 22_050;
    const samples = new Float32Array(sr * 5);
    for (let i = 0; i < samples.length; i++) {
      const t = i / sr;
      samples[i] = 0.5 * Math.sin(2 * Math.PI * (220 + 200 * t) * t) + 0.1 * Math.sin(2 * Math.PI * 3000 * t) * (i % 4410 < 2205 ? 1 : 0);
    }
    const fine = logMelSpectrogram(samples, { hopLength: 512 });
    const coarse = logMelSpectrogram(samples, { hopLength: 2048 });
    expect(coarse.nFrames).toBe(1 + Math.floor(samples.length / 2048));
    expect(coarse.hopLength).toBe(2048);
    const offsets: number[] = [];
    for (let k = 0; k < coarse.nFrames; k++) {
      for (let m = 0; m < coarse.nMels; m++) {
        const a = coarse.data[k * coarse.nMels + m]!;
        const b = fine.data[4 * k * fine.nMels + m]!;
        if (a > -70 && b > -70) offsets.push(a - b);
      }
    }
    expect(offsets.length).toBeGreaterThan(100);
    expect(Math.max(...offsets) - Math.min(...offsets)).toBeLessThan(1e-3);
  });
});
