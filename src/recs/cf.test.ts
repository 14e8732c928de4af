import { describe, expect, it } from 'vitest';
import { easeScores, fitEase, interactionValues, invertSpd } from './cf.js';

describe('fitEase', () => {
  it('matches the closed form worked by hand on a 2-user, 2-track matrix', () => {
    // X = [[1, 1], [1, 0]], λ = 1: G = [[3, 1], [1, 2]], P = G⁻¹ = [[2, -1], [-1, 3]] / 5,
    // B[i][j] = -P[i][j] / P[j][j]: B[a][b] = 1/3, B[b][a] = 1/2.
    const model = fitEase(
      [
        { userId: 'u1', trackId: 'a', value: 1 },
        { userId: 'u1', trackId: 'b', value: 1 },
        { userId: 'u2', trackId: 'a', value: 1 },
      ],
      { lambda: 1 },
    );
    expect(model.trackIds).toEqual(['a', 'b']);
    expect([...model.weights].map((v) => Number(v.toFixed(12)))).toEqual([0, Number((1 / 3).toFixed(12)), 0.5, 0]);
    const scores = easeScores(model, new Map([['a', 1]]));
    expect(scores.get('b')?.score).toBeCloseTo(1 / 3, 12);
    expect(scores.get('b')?.because).toBe('a');
  });

  it('ranks the co-liked track first and lets a dislike push co-disliked tracks down', () => {
    const likes = (u: string, ...ts: string[]) => ts.map((t) => ({ userId: u, trackId: t, value: 1 as const }));
    const model = fitEase([...likes('u1', 'a', 'b'), ...likes('u2', 'a', 'b'), ...likes('u3', 'c', 'd'), ...likes('u4', 'c', 'd')], { lambda: 0.5 });
    const fan = easeScores(model, new Map([['a', 1]]));
    expect(fan.get('b')?.score ?? 0).toBeGreaterThan(0.3);
    expect(Math.abs(fan.get('c')?.score ?? 0)).toBeLessThan(1e-12);
    const hater = easeScores(model, new Map([['c', -0.5]]));
    expect(hater.get('d')?.score ?? 0).toBeLessThan(0);
  });
});

describe('interactionValues', () => {
  it('keeps the latest value per user and track, dislikes scaled', () => {
    const rows = interactionValues([
      { userId: 'u', trackId: 'a', value: -1 },
      { userId: 'u', trackId: 'a', value: 1, weight: 0.5 },
      { userId: 'u', trackId: 'b', value: -1 },
    ]);
    expect(rows.get('u')).toEqual(new Map([['a', 0.5], ['b', -0.5]]));
  });
});

describe('invertSpd', () => {
  it('inverts a symmetric positive-definite matrix and refuses an indefinite one', () => {
    const a = Float64Array.from([4, 2, 0, 2, 5, 1, 0, 1, 3]);
    const inv = invertSpd(a, 3);
    for (let i = 0; i < 3; i++) {
      for (let j = 0; j < 3; j++) {
        let s = 0;
        for (let k = 0; k < 3; k++) s += (a[i * 3 + k] ?? 0) * (inv[k * 3 + j] ?? 0);
        expect(s).toBeCloseTo(i === j ? 1 : 0, 12);
      }
    }
    expect(() => invertSpd(Float64Array.from([1, 2, 2, 1]), 2)).toThrow(RangeError);
  });
});
