/**
 * Feature scaling, fitted on training rows and stored in `metadata.json`:
 * variance-like features (names ending in `_var`, all >= 0 and spanning orders of magnitude)
 * become `log(x + epsilon)`, then every feature is standardised to mean 0, deviation 1.
 */
export interface FeatureScaling {
  /** Per feature: `'log'` applies `ln(max(x, 0) + epsilon)` before standardising. */
  readonly transforms: ('log' | 'none')[];
  /** Added before the logarithm (same unit as the feature). */
  readonly epsilon: number[];
  /** Mean of the transformed feature over the training rows. */
  readonly mean: number[];
  /** Standard deviation of the transformed feature over the training rows (> 0). */
  readonly std: number[];
}

/** Which transform a feature gets: `'log'` for variances, `'none'` otherwise. */
export function transformFor(featureName: string, useLog: boolean): 'log' | 'none' {
  return useLog && featureName.endsWith('_var') ? 'log' : 'none';
}

function applyTransform(value: number, transform: 'log' | 'none', epsilon: number): number {
  return transform === 'log' ? Math.log(Math.max(value, 0) + epsilon) : value;
}

/** Fits a {@link FeatureScaling} to raw rows (columns named by `featureNames`). */
export function fitScaling(rows: readonly number[][], featureNames: readonly string[], useLog = true): FeatureScaling {
  const n = rows.length;
  if (n < 2) throw new Error('need at least two rows to fit scaling');
  const transforms = featureNames.map((name) => transformFor(name, useLog));
  const epsilon = featureNames.map((_, j) => {
    // A small floor relative to the column's typical size keeps log finite for silence.
    const positives = rows.map((r) => r[j] ?? 0).filter((v) => v > 0);
    const median = positives.sort((a, b) => a - b)[Math.floor(positives.length / 2)] ?? 1;
    return median * 1e-3;
  });
  const t = rows.map((r) => r.map((v, j) => applyTransform(v, transforms[j] ?? 'none', epsilon[j] ?? 0)));
  const mean = featureNames.map((_, j) => t.reduce((s, r) => s + (r[j] ?? 0), 0) / n);
  const std = featureNames.map((_, j) => {
    const m = mean[j] ?? 0;
    const variance = t.reduce((s, r) => s + ((r[j] ?? 0) - m) ** 2, 0) / (n - 1);
    return Math.sqrt(variance) || 1;
  });
  return { transforms, epsilon, mean, std };
}

/** Applies `scaling` to one raw row; non-finite inputs become 0 (the training mean). */
export function scaleRow(row: readonly number[], scaling: FeatureScaling): number[] {
  if (row.length !== scaling.mean.length) {
    throw new Error(`expected ${scaling.mean.length} features, got ${row.length}`);
  }
  return row.map((v, j) => {
    const z =
      (applyTransform(v, scaling.transforms[j] ?? 'none', scaling.epsilon[j] ?? 0) - (scaling.mean[j] ?? 0)) /
      (scaling.std[j] ?? 1);
    return Number.isFinite(z) ? z : 0;
  });
}
