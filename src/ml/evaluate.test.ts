import { describe, expect, it } from 'vitest';

import { argMax, classificationMetrics, inTopK } from './evaluate.js';

describe('classificationMetrics', () => {
  // Three classes, four examples; worked out by hand below.
  const probabilities = [
    [0.7, 0.2, 0.1], // true 0, predicted 0
    [0.1, 0.3, 0.6], // true 1, predicted 2; 1 is second -> in top 3 (all are, 3 classes)
    [0.2, 0.5, 0.3], // true 1, predicted 1
    [0.5, 0.1, 0.4], // true 2, predicted 0
  ];
  const labels = [0, 1, 1, 2];
  const m = classificationMetrics(probabilities, labels, 3);

  it('counts the confusion matrix as [true][predicted]', () => {
    expect(m.confusion).toEqual([
      [1, 0, 0],
      [0, 1, 1],
      [1, 0, 0],
    ]);
  });

  it('computes accuracy, top-3 and macro F1 by hand', () => {
    expect(m.count).toBe(4);
    expect(m.accuracy).toBeCloseTo(2 / 4, 12);
    expect(m.top3Accuracy).toBeCloseTo(1, 12);
    // class 0: tp 1, actual 1, predicted 2 -> 2/3; class 1: tp 1, actual 2, predicted 1 -> 2/3; class 2: 0.
    expect(m.perClassF1[0]).toBeCloseTo(2 / 3, 12);
    expect(m.perClassF1[1]).toBeCloseTo(2 / 3, 12);
    expect(m.perClassF1[2]).toBe(0);
    expect(m.macroF1).toBeCloseTo(4 / 9, 12);
  });

  it('top-k excludes classes ranked below k', () => {
    expect(inTopK([0.1, 0.2, 0.3, 0.4], 0, 3)).toBe(false);
    expect(inTopK([0.1, 0.2, 0.3, 0.4], 1, 3)).toBe(true);
    const five = classificationMetrics([[0.4, 0.3, 0.2, 0.06, 0.04]], [4], 5);
    expect(five.top3Accuracy).toBe(0);
    expect(five.accuracy).toBe(0);
  });

  it('argMax takes the first of equal maxima', () => {
    expect(argMax([0.2, 0.4, 0.4])).toBe(1);
  });

  it('rejects mismatched lengths', () => {
    expect(() => classificationMetrics([[1, 0]], [0, 1], 2)).toThrow();
  });
});
