import { describe, expect, it } from 'vitest';
import { hzToMelSlaney, melFrequencyTicks, timeTicks } from './spectrogram-axes.js';
import { binRanges } from './spectrogram-raster.js';

describe('timeTicks', () => {
  it('uses round steps in seconds for short audio', () => {
    expect(timeTicks(30, 900).map((t) => t.label)).toEqual(['0s', '5s', '10s', '15s', '20s', '25s', '30s']);
    expect(timeTicks(0.5, 900)[1]?.label).toBe('0.05s');
    // One 512-sample frame at 22050 Hz still gets more than a lone zero.
    expect(timeTicks(512 / 22050, 900).map((t) => t.label)).toEqual(['0.00s', '0.01s', '0.02s']);
  });

  it('switches to m:ss and keeps ticks apart for long tracks', () => {
    const ticks = timeTicks(600, 900, 70);
    expect(ticks.map((t) => t.label)).toEqual(['0:00', '1:00', '2:00', '3:00', '4:00', '5:00', '6:00', '7:00', '8:00', '9:00', '10:00']);
    expect(ticks.at(-1)?.offsetPx).toBeCloseTo(900);
  });
});

describe('mel axis', () => {
  it('follows the Slaney definition: linear to 1 kHz, 27 mel per factor 6.4 above', () => {
    expect(hzToMelSlaney(0)).toBe(0);
    expect(hzToMelSlaney(440)).toBeCloseTo(6.6, 9);
    expect(hzToMelSlaney(1000)).toBeCloseTo(15, 9);
    expect(hzToMelSlaney(6400)).toBeCloseTo(42, 9);
    expect(hzToMelSlaney(6400 * 6.4)).toBeCloseTo(69, 9);
  });

  it('places frequency ticks upward, inside the axis, spaced apart', () => {
    const ticks = melFrequencyTicks(128, 22050, 250, 16);
    expect(ticks.map((t) => t.label)).toContain('1k');
    for (let i = 1; i < ticks.length; i++) {
      expect((ticks[i]?.offsetPx ?? 0) - (ticks[i - 1]?.offsetPx ?? 0)).toBeGreaterThanOrEqual(16);
    }
    // 1 kHz is 15 of the ~49.9 mel below 11025 Hz: about 30 % of the way up.
    const oneK = ticks.find((t) => t.label === '1k');
    expect((oneK?.offsetPx ?? 0) / 250).toBeCloseTo(15 / hzToMelSlaney(11025), 1);
  });
});

describe('binRanges', () => {
  it('averages when shrinking and repeats when stretching', () => {
    const shrink = binRanges(10, 3);
    expect([...shrink.starts]).toEqual([0, 3, 6]);
    expect([...shrink.ends]).toEqual([3, 6, 10]);
    const stretch = binRanges(2, 4);
    expect([...stretch.starts]).toEqual([0, 0, 1, 1]);
    expect([...stretch.ends]).toEqual([1, 1, 2, 2]);
  });
});
