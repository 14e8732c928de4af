import { describe, expect, it } from 'vitest';
import { MAGMA_LUT } from './colormap.js';
import { GENRE_COLOURS, hexToRgb } from './genre-colours.js';
import { colourDistance, countNear, decodeImage } from './png-test-utils.js';
import { spectrogramLayout, spectrogramPng, type SpectrogramInput } from './spectrogram.js';
import { THEME } from './theme.js';

const SR = 22050;
const HOP = 512;

/** A silent (-80 dB) log-mel with `brightBin` at 0 dB in every frame. */
function logMel(nFrames: number, nMels = 128, brightBin?: number): SpectrogramInput['logMel'] {
  const data = new Float32Array(nFrames * nMels).fill(-80);
  if (brightBin !== undefined) for (let f = 0; f < nFrames; f++) data[f * nMels + brightBin] = 0;
  return { data, nMels, nFrames, sampleRateHz: SR, hopLength: HOP };
}

const framesFor = (seconds: number): number => Math.round((seconds * SR) / HOP);
const magmaTop = [MAGMA_LUT[765] ?? 0, MAGMA_LUT[766] ?? 0, MAGMA_LUT[767] ?? 0];
const magmaBottom = [MAGMA_LUT[0] ?? 0, MAGMA_LUT[1] ?? 0, MAGMA_LUT[2] ?? 0];

describe('spectrogramPng', () => {
  it('draws a bright mel band at the matching height, low bins at the bottom', async () => {
    const layout = spectrogramLayout(1000, 360);
    const { plot } = layout;
    for (const bin of [10, 100]) {
      const img = decodeImage(await spectrogramPng({ logMel: logMel(framesFor(30), 128, bin), segments: [] }));
      expect([img.width, img.height]).toEqual([1000, 360]);
      const x = plot.left + plot.width / 2;
      const brightRows: number[] = [];
      for (let y = plot.top; y < plot.top + plot.height; y++) {
        const px = img.pixel(x, y);
        if (colourDistance(px, magmaTop) <= 2) brightRows.push(y);
        else expect(colourDistance(px, magmaBottom)).toBeLessThanOrEqual(2);
      }
      const rowsPerBin = plot.height / 128;
      const expectedTop = plot.top + plot.height - (bin + 1) * rowsPerBin;
      expect(brightRows.length).toBeGreaterThanOrEqual(Math.floor(rowsPerBin));
      expect(Math.min(...brightRows)).toBeGreaterThanOrEqual(Math.floor(expectedTop) - 1);
      expect(Math.max(...brightRows)).toBeLessThanOrEqual(Math.ceil(expectedTop + rowsPerBin) + 1);
    }
  });

  it('colours timeline blocks with GENRE_COLOURS at their time spans', async () => {
    const segments = [
      { startS: 0, endS: 10, genre: 'rock', probability: 0.9 },
      { startS: 10, endS: 20, genre: 'jazz', probability: 0.6 },
      { startS: 20, endS: 30, genre: 'metal', probability: 0.75 },
    ];
    const nFrames = framesFor(30);
    const durationS = (nFrames * HOP) / SR;
    const { plot, strip } = spectrogramLayout(1000, 360);
    const img = decodeImage(await spectrogramPng({ logMel: logMel(nFrames), segments }));
    const y = strip.top + 3;
    for (const seg of segments) {
      const want = hexToRgb(GENRE_COLOURS[seg.genre] ?? '#000000');
      for (const frac of [0.1, 0.5, 0.9]) {
        const t = seg.startS + frac * (seg.endS - seg.startS);
        const x = plot.left + (t / durationS) * plot.width;
        expect(colourDistance(img.pixel(x, y), want)).toBeLessThanOrEqual(1);
      }
    }
  });

  it('handles a single frame, zero segments and hostile titles', async () => {
    const title = `<script>alert("x")</script> & 'quotes' \u0000\uD800 ${'very long title '.repeat(20)}`;
    const img = decodeImage(await spectrogramPng({ logMel: logMel(1, 64, 5), segments: [], title }));
    expect([img.width, img.height]).toEqual([1000, 360]);
    const { plot } = spectrogramLayout(1000, 360);
    // One frame stretches over the whole width.
    const bright = countNear(img, magmaTop, 2, { x0: plot.left, y0: plot.top, x1: plot.left + plot.width, y1: plot.top + plot.height });
    expect(bright).toBeGreaterThanOrEqual(plot.width * Math.floor(plot.height / 64));
    // The title row holds glyph pixels.
    const bg = hexToRgb(THEME.background);
    const titleBox = { x0: 0, y0: 0, x1: 1000, y1: plot.top - 4 };
    expect(1000 * (plot.top - 4) - countNear(img, bg, 0, titleBox)).toBeGreaterThan(500);
  });

  it('fits 20 segments and a 10-minute track into a small PNG', async () => {
    const nFrames = framesFor(600);
    const genres = Object.keys(GENRE_COLOURS);
    const segments = Array.from({ length: 20 }, (_, i) => ({
      startS: i * 30,
      endS: (i + 1) * 30,
      genre: genres[i % genres.length] ?? 'rock',
      probability: 0.5,
    }));
    const input = { logMel: logMel(nFrames, 128, 20), segments, title: 'ten minutes' };
    const png = await spectrogramPng(input);
    expect(png.byteLength).toBeLessThan(300_000);
    const img = decodeImage(png);
    const { strip } = spectrogramLayout(1000, 360);
    for (const genre of genres) {
      expect(countNear(img, hexToRgb(GENRE_COLOURS[genre] ?? '#000000'), 1, { x0: 0, y0: strip.top, x1: 1000, y1: strip.top + 4 })).toBeGreaterThan(0);
    }
  });

  it('honours the requested size and rejects inconsistent input', async () => {
    const img = decodeImage(await spectrogramPng({ logMel: logMel(100), segments: [] }, { widthPx: 640, heightPx: 240 }));
    expect([img.width, img.height]).toEqual([640, 240]);
    const bad = { ...logMel(10), nFrames: 11 };
    await expect(spectrogramPng({ logMel: bad, segments: [] })).rejects.toThrow(RangeError);
    await expect(spectrogramPng({ logMel: logMel(10), segments: [] }, { widthPx: 10 })).rejects.toThrow(RangeError);
  });
});
