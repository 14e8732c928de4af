/** Classification figures over a labelled set; every rate is in [0, 1]. */
export interface ClassificationMetrics {
  /** Number of examples scored. */
  readonly count: number;
  /** Fraction whose most probable class is the true one. */
  readonly accuracy: number;
  /** Fraction whose true class is among the three most probable. */
  readonly top3Accuracy: number;
  /** Unweighted mean over classes of F1 (a class never predicted nor present counts as 0). */
  readonly macroF1: number;
  /** Per class: F1 in [0, 1]. */
  readonly perClassF1: number[];
  /** `matrix[true][predicted]`: counts, classes x classes. */
  readonly confusion: number[][];
}

/** Index of the largest value (the first one on ties). */
export function argMax(values: readonly number[]): number {
  let best = 0;
  for (let i = 1; i < values.length; i++) if ((values[i] ?? -Infinity) > (values[best] ?? -Infinity)) best = i;
  return best;
}

/** True when `label` is among the `k` largest of `probabilities` (ties broken by index). */
export function inTopK(probabilities: readonly number[], label: number, k: number): boolean {
  const ranked = probabilities.map((p, i) => [p, i] as const).sort((a, b) => b[0] - a[0] || a[1] - b[1]);
  return ranked.slice(0, k).some(([, i]) => i === label);
}

/**
 * Scores predicted class probabilities against true labels.
 * @param probabilities one vector per example, `numClasses` long
 * @param labels true class per example, 0..numClasses-1
 */
export function classificationMetrics(
  probabilities: readonly (readonly number[])[],
  labels: readonly number[],
  numClasses: number,
): ClassificationMetrics {
  if (probabilities.length !== labels.length) throw new Error('one label per prediction is needed');
  const confusion = Array.from({ length: numClasses }, () => new Array<number>(numClasses).fill(0));
  let top1 = 0;
  let top3 = 0;
  probabilities.forEach((p, i) => {
    const label = labels[i] ?? 0;
    const predicted = argMax(p);
    const row = confusion[label];
    if (row) row[predicted] = (row[predicted] ?? 0) + 1;
    if (predicted === label) top1++;
    if (inTopK(p, label, 3)) top3++;
  });
  const perClassF1 = confusion.map((row, c) => {
    const tp = row[c] ?? 0;
    const actual = row.reduce((s, v) => s + v, 0);
    const predicted = confusion.reduce((s, r) => s + (r[c] ?? 0), 0);
    return actual + predicted === 0 ? 0 : (2 * tp) / (actual + predicted);
  });
  const n = Math.max(1, labels.length);
  return {
    count: labels.length,
    accuracy: top1 / n,
    top3Accuracy: top3 / n,
    macroF1: perClassF1.reduce((s, v) => s + v, 0) / numClasses,
    perClassF1,
    confusion,
  };
}
