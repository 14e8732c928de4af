import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { describe, expect, it } from 'vitest';
import { confusionCells, confusionMatrixPng } from './confusion-matrix.js';
import { embeddingMapPng, labelColourScale } from './embedding-map.js';
import { GENRE_COLOURS, colourForLabel, hexToRgb } from './genre-colours.js';
import { countNear, decodeImage } from './png-test-utils.js';
import { THEME } from './theme.js';
import { curvePoints, panelOrder, SPLIT_COLOURS, trainingCurvesPng, trainingCurvesSpec } from './training-curves.js';
import { renderVegaLitePng } from './vega-png.js';

const GENRES = Object.keys(GENRE_COLOURS);
const background = hexToRgb(THEME.background);

function inkedPixels(png: Uint8Array): number {
  const img = decodeImage(png);
  return img.width * img.height - countNear(img, background, 0);
}

describe('confusion matrix', () => {
  it('normalises each row and rejects shapes that do not match the classes', () => {
    const cells = confusionCells({ matrix: [[3, 1], [0, 0]], classes: ['a', 'b'] });
    expect(cells.map((c) => c.rowFraction)).toEqual([0.75, 0.25, 0, 0]);
    expect(cells[1]).toMatchObject({ trueClass: 'a', predicted: 'b', count: 1 });
    expect(() => confusionCells({ matrix: [[1, 2]], classes: ['a', 'b'] })).toThrow(RangeError);
    expect(() => confusionCells({ matrix: [[1]], classes: ['a', 'a'] })).toThrow(RangeError);
    expect(() => confusionCells({ matrix: [[-1]], classes: ['a'] })).toThrow(RangeError);
  });

  it('paints a perfect diagonal in the top colour of the scale, with counts written', async () => {
    const matrix = GENRES.map((_, i) => GENRES.map((_, j) => (i === j ? 100 : 0)));
    const img = decodeImage(await confusionMatrixPng({ matrix, classes: GENRES, title: `<b>&"'` }));
    // Viridis ends at #fde725; ten diagonal cells of ~84x84 px at 2x, minus the counts' glyphs.
    const topColour = countNear(img, [0xfd, 0xe7, 0x25], 12);
    expect(topColour).toBeGreaterThan(10 * 60 * 60);
    expect(topColour).toBeLessThan(10 * 90 * 90 + 40 * 300);
    // Dark glyphs of "100" inside the bright cells.
    expect(countNear(img, [0x11, 0x12, 0x14], 30)).toBeGreaterThan(10 * 40);
  });

  it('rejects a mismatched matrix through the promise', async () => {
    await expect(confusionMatrixPng({ matrix: [[1, 2]], classes: ['a'] })).rejects.toThrow(RangeError);
  });
});

describe('training curves', () => {
  const history = {
    loss: [2, 1.5, 1, 0.8, Number.NaN],
    val_loss: [2.1, 1.7, 1.3, 1.1, 1],
    acc: [0.2, 0.4, 0.6, 0.7, 0.75],
    val_acc: [0.2, 0.35, 0.5, 0.55, 0.6],
    lr: [0.001, 0.001, 0.0005, 0.0005, 0.0001],
  };

  it('folds history into panels: loss, accuracy, then the rest, skipping NaN', () => {
    const points = curvePoints(history);
    expect(points).toHaveLength(24);
    expect(points.find((p) => p.metric === 'accuracy' && p.split === 'validation' && p.epoch === 5)?.value).toBe(0.6);
    expect(panelOrder(points)).toEqual(['loss', 'accuracy', 'lr']);
    expect(() => trainingCurvesSpec({ history: { loss: [Number.NaN] } })).toThrow(RangeError);
  });

  it('draws train and validation lines in their colours', async () => {
    const img = decodeImage(await trainingCurvesPng({ history, title: 'fold 1' }));
    expect(countNear(img, hexToRgb(SPLIT_COLOURS.train), 10)).toBeGreaterThan(300);
    expect(countNear(img, hexToRgb(SPLIT_COLOURS.validation), 10)).toBeGreaterThan(300);
  });
});

describe('embedding map', () => {
  it('keeps genre colours fixed and orders genres before other labels', () => {
    const scale = labelColourScale(['zydeco', 'rock', 'blues', 'rock']);
    expect(scale.domain).toEqual(['blues', 'rock', 'zydeco']);
    expect(scale.range).toEqual([GENRE_COLOURS.blues, GENRE_COLOURS.rock, colourForLabel('zydeco')]);
    expect(colourForLabel('zydeco')).toBe(colourForLabel('zydeco'));
    expect(Object.values(GENRE_COLOURS)).not.toContain(colourForLabel('zydeco'));
  });

  it('colours points by genre and outlines highlighted ones in white', async () => {
    const points = Array.from({ length: 60 }, (_, i) => ({ x: i % 10, y: Math.floor(i / 10), label: i < 30 ? 'rock' : 'jazz' }));
    const plain = decodeImage(await embeddingMapPng({ points }));
    const highlighted = decodeImage(await embeddingMapPng({ points: [...points, { x: 4.5, y: 2.5, label: 'rock', highlight: true }] }));
    expect(countNear(plain, hexToRgb(GENRE_COLOURS.rock ?? ''), 2)).toBeGreaterThan(200);
    expect(countNear(plain, hexToRgb(GENRE_COLOURS.jazz ?? ''), 2)).toBeGreaterThan(200);
    expect(countNear(plain, hexToRgb(GENRE_COLOURS.pop ?? ''), 8)).toBe(0);
    const white = (img: typeof plain): number => countNear(img, [255, 255, 255], 10);
    expect(white(highlighted) - white(plain)).toBeGreaterThan(50);
  });
});

describe('renderVegaLitePng', () => {
  it('renders a plain spec with visible marks at the requested scale', async () => {
    const spec = { data: { values: [{ a: 1 }, { a: 2 }] }, mark: 'bar', encoding: { x: { field: 'a', type: 'ordinal' } }, config: { background: THEME.background } } as const;
    const one = decodeImage(await renderVegaLitePng(spec, { scale: 1 }));
    const two = decodeImage(await renderVegaLitePng(spec, { scale: 2 }));
    expect(two.width).toBe(one.width * 2);
    expect(inkedPixels(await renderVegaLitePng(spec))).toBeGreaterThan(1000);
  });

  it('never fetches: URL data is refused and image URLs are left unloaded', async () => {
    let requests = 0;
    const server = createServer((_req, res) => {
      requests++;
      res.end('[]');
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const { port } = server.address() as AddressInfo;
    const base = `http://127.0.0.1:${port}`;
    try {
      await expect(renderVegaLitePng({ data: { url: `${base}/x.json` }, mark: 'point' })).rejects.toThrow(/not allowed/);
      const image = {
        data: { values: [{ u: `${base}/x.png` }] },
        mark: { type: 'image', width: 20, height: 20 },
        encoding: { url: { field: 'u', type: 'nominal' } },
      } as const;
      decodeImage(await renderVegaLitePng(image));
      expect(requests).toBe(0);
    } finally {
      await new Promise((resolve) => server.close(resolve));
    }
  });
});
