import type { TopLevelSpec } from 'vega-lite';
import { chartTitle, DARK_CHART_CONFIG } from './chart-theme.js';
import { renderVegaLitePng } from './vega-png.js';

/** Input of {@link trainingCurvesPng}. */
export interface TrainingCurvesInput {
  /** Per-epoch values by metric name as tfjs reports them: `loss`, `val_loss`, `acc`, `val_acc`... */
  history: Readonly<Record<string, readonly number[]>>;
  title?: string;
}

/** One point of a curve, in long format so user metric names never become field names. */
export interface CurvePoint {
  /** 1-based epoch. */
  epoch: number;
  /** Panel: the metric without its `val_` prefix, with `acc` spelled `accuracy`. */
  metric: string;
  split: 'train' | 'validation';
  value: number;
}

/** Colours of the two splits, the same in every panel. */
export const SPLIT_COLOURS = { train: '#4e9cf5', validation: '#f5a742' } as const;

function panelName(key: string): string {
  const base = key.startsWith('val_') ? key.slice(4) : key;
  return base === 'acc' ? 'accuracy' : base;
}

/** Folds a history into long-format points, skipping non-finite values (e.g. a NaN loss). */
export function curvePoints(history: TrainingCurvesInput['history']): CurvePoint[] {
  const points: CurvePoint[] = [];
  for (const [key, values] of Object.entries(history)) {
    const split = key.startsWith('val_') ? 'validation' : 'train';
    values.forEach((value, i) => {
      if (Number.isFinite(value)) points.push({ epoch: i + 1, metric: panelName(key), split, value });
    });
  }
  return points;
}

/** Panel order: loss first, accuracy second, any other metric after them alphabetically. */
export function panelOrder(points: readonly CurvePoint[]): string[] {
  const rank = (m: string): number => (m === 'loss' ? 0 : m === 'accuracy' ? 1 : 2);
  return [...new Set(points.map((p) => p.metric))].sort((a, b) => rank(a) - rank(b) || a.localeCompare(b));
}

/**
 * The Vega-Lite spec of training curves: one panel per metric (loss, accuracy, ...), each
 * with its own y scale, train and validation as two coloured lines over epochs.
 * @throws RangeError when the history holds no finite value.
 */
export function trainingCurvesSpec(input: TrainingCurvesInput): TopLevelSpec {
  const points = curvePoints(input.history);
  if (points.length === 0) throw new RangeError('training history has no finite values to plot');
  const panels = panelOrder(points);
  const maxEpoch = Math.max(...points.map((p) => p.epoch));
  return {
    $schema: 'https://vega.github.io/schema/vega-lite/v6.json',
    config: DARK_CHART_CONFIG,
    title: chartTitle(input.title, 'Training curves'),
    data: { values: points },
    facet: { column: { field: 'metric', type: 'nominal', title: null, sort: panels } },
    resolve: { scale: { y: 'independent' } },
    spec: {
      width: 320,
      height: 220,
      mark: { type: 'line', point: maxEpoch <= 40, strokeWidth: 2 },
      encoding: {
        x: { field: 'epoch', type: 'quantitative', title: 'epoch', scale: { domain: [1, Math.max(2, maxEpoch)] }, axis: { tickMinStep: 1 } },
        y: { field: 'value', type: 'quantitative', title: null, scale: { zero: false } },
        color: {
          field: 'split',
          type: 'nominal',
          title: null,
          scale: { domain: ['train', 'validation'], range: [SPLIT_COLOURS.train, SPLIT_COLOURS.validation] },
          legend: { orient: 'top' },
        },
      },
    },
  };
}

/**
 * Renders training curves (loss and accuracy panels, train vs validation) to PNG bytes at 2x.
 * @throws RangeError when the history holds no finite value.
 */
export function trainingCurvesPng(input: TrainingCurvesInput): Promise<Uint8Array> {
  try {
    return renderVegaLitePng(trainingCurvesSpec(input));
  } catch (err) {
    return Promise.reject(err instanceof Error ? err : new Error(String(err)));
  }
}
