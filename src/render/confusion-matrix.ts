import type { TopLevelSpec } from 'vega-lite';
import { chartTitle, DARK_CHART_CONFIG } from './chart-theme.js';
import { renderVegaLitePng } from './vega-png.js';

/** Input of {@link confusionMatrixPng}. */
export interface ConfusionMatrixInput {
  /** Counts: `matrix[trueIndex][predictedIndex]`, square, one row and column per class. */
  matrix: readonly (readonly number[])[];
  classes: readonly string[];
  title?: string;
}

/** One cell of the matrix as the chart's data row. */
export interface ConfusionCell {
  trueClass: string;
  predicted: string;
  count: number;
  /** Count divided by its row total (0 for an empty row): the fraction of that class. */
  rowFraction: number;
}

/** Flattens the matrix into cells with row-normalised fractions. @throws RangeError on a bad shape. */
export function confusionCells(input: ConfusionMatrixInput): ConfusionCell[] {
  const { matrix, classes } = input;
  const n = classes.length;
  if (n === 0) throw new RangeError('confusion matrix needs at least one class');
  if (new Set(classes).size !== n) throw new RangeError('confusion matrix class names must be unique');
  if (matrix.length !== n || matrix.some((row) => row.length !== n)) {
    throw new RangeError(`confusion matrix must be ${n} x ${n} to match classes`);
  }
  const cells: ConfusionCell[] = [];
  matrix.forEach((row, i) => {
    if (row.some((c) => !Number.isFinite(c) || c < 0)) throw new RangeError(`row ${i} has a negative or non-finite count`);
    const total = row.reduce((a, b) => a + b, 0);
    row.forEach((count, j) => {
      cells.push({ trueClass: classes[i] ?? '', predicted: classes[j] ?? '', count, rowFraction: total > 0 ? count / total : 0 });
    });
  });
  return cells;
}

/** The Vega-Lite spec of a confusion-matrix heatmap: colour = row fraction, text = count. */
export function confusionMatrixSpec(input: ConfusionMatrixInput): TopLevelSpec {
  const cells = confusionCells(input);
  const domain = [...input.classes];
  const cellPx = input.classes.length > 12 ? 28 : 42;
  const size = cellPx * domain.length;
  return {
    $schema: 'https://vega.github.io/schema/vega-lite/v6.json',
    config: DARK_CHART_CONFIG,
    title: chartTitle(input.title, 'Confusion matrix'),
    width: size,
    height: size,
    data: { values: cells },
    encoding: {
      x: { field: 'predicted', type: 'nominal', title: 'Predicted', sort: domain, scale: { domain }, axis: { orient: 'top', labelAngle: -40 } },
      y: { field: 'trueClass', type: 'nominal', title: 'True', sort: domain, scale: { domain } },
    },
    layer: [
      {
        mark: { type: 'rect', stroke: '#1e1f22', strokeWidth: 1 },
        encoding: {
          color: {
            field: 'rowFraction',
            type: 'quantitative',
            title: 'share of row',
            scale: { scheme: 'viridis', domain: [0, 1] },
            legend: { format: '.0%', gradientLength: Math.max(80, size - 40) },
          },
        },
      },
      {
        mark: { type: 'text', fontSize: cellPx > 30 ? 12 : 9 },
        encoding: {
          text: { field: 'count', type: 'quantitative', format: 'd' },
          color: { condition: { test: 'datum.rowFraction > 0.6', value: '#111214' }, value: '#ffffff' },
        },
      },
    ],
  };
}

/**
 * Renders a confusion matrix as a heatmap: rows are the true class, columns the predicted one,
 * cells coloured by the share of their row (viridis, 0..100 %) and labelled with the count.
 * @returns PNG bytes at 2x pixel density.
 * @throws RangeError when the matrix does not match `classes`.
 */
export function confusionMatrixPng(input: ConfusionMatrixInput): Promise<Uint8Array> {
  try {
    return renderVegaLitePng(confusionMatrixSpec(input));
  } catch (err) {
    return Promise.reject(err instanceof Error ? err : new Error(String(err)));
  }
}
