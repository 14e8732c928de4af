import { describe, expect, it } from 'vitest';

import { FEATURE_NAMES } from '../features/index.js';
import { clipNumber, contiguousBlocks, CV_BLOCKS, parseFeatureCsv, readFeatureCsv, splitByBlock } from './dataset.js';
import { GTZAN_TABLE } from './paths.js';
import { fitScaling, scaleRow } from './scaling.js';

describe('dataset', () => {
  it('reads clip numbers from GTZAN names', () => {
    expect(clipNumber('blues.00010.wav')).toBe(10);
    expect(clipNumber('jazz.00054.3.wav')).toBe(54);
    expect(() => clipNumber('song.wav')).toThrow();
  });

  it('parses a feature CSV, keeping feature order and skipping filename/length/label', () => {
    const t = parseFeatureCsv('filename,length,a_mean,b_var,label\nrock.00012.wav,5,1.5,2,rock\n');
    expect(t.featureNames).toEqual(['a_mean', 'b_var']);
    expect(t.rows[0]).toEqual({ features: [1.5, 2], label: 9, clip: 12, source: 'rock.00012.wav' });
    expect(() => parseFeatureCsv('filename,x,label\nrock.00012.wav,1,polka\n')).toThrow(/genre/);
  });

  it('the training table has the FEATURE_NAMES columns and 900 rows in blocks of 180', async () => {
    const table = await readFeatureCsv(GTZAN_TABLE);
    expect(table.featureNames).toEqual([...FEATURE_NAMES]);
    expect(table.rows).toHaveLength(900);
    for (const block of CV_BLOCKS) expect(splitByBlock(table.rows, block).held).toHaveLength(180);
    expect(contiguousBlocks(table.rows)).toEqual(CV_BLOCKS);
  });

  it('scaling logs variances, standardises, and maps non-finite input to the mean', () => {
    const rows = [
      [1, 10],
      [3, 1000],
    ];
    const s = fitScaling(rows, ['x_mean', 'x_var']);
    expect(s.transforms).toEqual(['none', 'log']);
    const a = scaleRow([1, 10], s);
    const b = scaleRow([3, 1000], s);
    expect(a[0]).toBeCloseTo(-Math.SQRT1_2, 9);
    expect(b[1]).toBeCloseTo(Math.SQRT1_2, 9);
    expect(scaleRow([Number.NaN, 10], s)[0]).toBe(0);
    expect(() => scaleRow([1], s)).toThrow();
  });
});
