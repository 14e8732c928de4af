import { describe, expect, it } from 'vitest';
import { fitSegmentLabel, genresByTime, segmentSpanPx, timelineSvg } from './spectrogram-timeline.js';

const box = { left: 50, top: 0, width: 900, height: 24, durationS: 30 };

describe('timeline', () => {
  it('maps segment times to pixels and clamps them to the track', () => {
    expect(segmentSpanPx({ startS: 3, endS: 6, genre: 'rock', probability: 1 }, box)).toEqual({ x0: 140, x1: 230 });
    expect(segmentSpanPx({ startS: -5, endS: 45, genre: 'rock', probability: 1 }, box)).toEqual({ x0: 50, x1: 950 });
    expect(segmentSpanPx({ startS: 31, endS: 33, genre: 'rock', probability: 1 }, box)).toBeNull();
    expect(segmentSpanPx({ startS: 5, endS: 5, genre: 'rock', probability: 1 }, box)).toBeNull();
  });

  it('shortens labels to fit, keeping the genre before the probability', () => {
    const seg = { startS: 0, endS: 1, genre: 'classical', probability: 0.914 };
    expect(fitSegmentLabel(seg, 200)).toBe('classical 91%');
    expect(fitSegmentLabel(seg, 70)).toBe('classical');
    expect(fitSegmentLabel(seg, 46)).toBe('class…');
    expect(fitSegmentLabel(seg, 30)).toBe('91%');
    expect(fitSegmentLabel(seg, 10)).toBe('');
    expect(fitSegmentLabel({ ...seg, probability: Number.NaN }, 200)).toBe('classical 0%');
  });

  it('orders the legend by time shown and escapes genre names', () => {
    const segs = [
      { startS: 0, endS: 5, genre: 'rock', probability: 0.5 },
      { startS: 5, endS: 25, genre: '<jazz>', probability: 0.5 },
      { startS: 25, endS: 40, genre: 'pop', probability: 0.5 },
    ];
    expect(genresByTime(segs, 30)).toEqual(['<jazz>', 'rock', 'pop']);
    const svg = timelineSvg(segs, box);
    expect(svg).toContain('&lt;jazz&gt;');
    expect(svg).not.toContain('<jazz>');
    expect(timelineSvg([], box)).toContain('no genre segments');
  });
});
