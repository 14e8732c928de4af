import { describe, expect, it } from 'vitest';
import { applyMel, hzToMel, log10, melFilterbank, melToHz, powerToDbInPlace } from './mel.js';

describe('Slaney mel scale and filter bank', () => {
  it('is linear below 1 kHz and logarithmic above, and inverts', () => {
    expect(hzToMel(1000)).toBeCloseTo(15, 12);
    expect(hzToMel(200)).toBeCloseTo(3, 12);
    expect(hzToMel(6400)).toBeCloseTo(15 + 27, 10);
    for (const hz of [0, 55, 440, 999, 1000, 4000, 11025]) expect(melToHz(hzToMel(hz))).toBeCloseTo(hz, 8);
  });

  it('has area-normalised triangles: each wide filter integrates to about 1 over Hz', () => {
    const bank = melFilterbank(22050, 2048, 128);
    const binHz = 22050 / 2048;
    let checked = 0;
    for (let m = 0; m < bank.nMels; m++) {
      const width = bank.end[m]! - bank.start[m]!;
      expect(width).toBeGreaterThan(0);
      if (width < 8) continue;
      let area = 0;
      for (let i = 0; i < width; i++) area += bank.weights[bank.offset[m]! + i]! * binHz;
      expect(area).toBeCloseTo(1, 1);
      checked++;
    }
    expect(checked).toBeGreaterThan(40);
  });

  it('is cached per configuration', () => {
    expect(melFilterbank(22050, 2048, 128)).toBe(melFilterbank(22050, 2048, 128));
    expect(melFilterbank(16000, 2048, 128)).not.toBe(melFilterbank(22050, 2048, 128));
  });

  it('sums a flat power spectrum by filter weights', () => {
    const bank = melFilterbank(22050, 512, 40);
    const power = new Float32Array(2 * bank.nBins).fill(2);
    const mel = applyMel(power, 2, bank);
    let sum = 0;
    for (let i = 0; i < bank.end[5]! - bank.start[5]!; i++) sum += bank.weights[bank.offset[5]! + i]!;
    expect(mel[40 + 5]).toBeCloseTo(2 * sum, 5);
  });
});

describe('powerToDbInPlace', () => {
  it('converts to dB and floors at max - topDb', () => {
    const x = Float32Array.from([1, 0.1, 1e-12, 100]);
    powerToDbInPlace(x, 1, 80);
    [0, -10, -60, 20].forEach((v, i) => expect(x[i]).toBeCloseTo(v, 4));
    const y = Float32Array.from([1, 1e-9]);
    powerToDbInPlace(y, 'max', 30);
    expect(Array.from(y)).toEqual([0, -30]);
  });
});

/** Distance in units in the last place between two finite doubles of the same sign. */
function ulps(a: number, b: number): number {
  const bits = new BigInt64Array(new Float64Array([a, b]).buffer);
  const d = bits[0]! - bits[1]!;
  return Number(d < 0n ? -d : d);
}

describe('log10', () => {
  it('is within 2 units in the last place of Math.log10 from subnormals to the largest double', () => {
    let seed = 12;
    const next = (): number => (seed = (seed * 16807) % 2147483647) / 2147483647;
    let worst = 0;
    for (let i = 0; i < 200_000; i++) {
      const x = 2 ** (2098 * next() - 1074) * (1 + next());
      if (!Number.isFinite(x) || x === 0) continue;
      worst = Math.max(worst, ulps(log10(x), Math.log10(x)));
    }
    expect(worst).toBeLessThanOrEqual(2);
    for (let k = -300; k <= 300; k++) expect(ulps(log10(10 ** k), Math.log10(10 ** k)), `1e${k}`).toBeLessThanOrEqual(2);
  });

  it('gives 0 for 1, twice log10(sqrt 2) for 2, and what Math.log10 gives at its special values', () => {
    expect(log10(1)).toBe(0);
    expect(log10(2 ** 10)).toBeCloseTo(3.0103, 4);
    expect(log10(Math.SQRT2) * 2).toBeCloseTo(Math.log10(2), 15);
    expect(log10(0)).toBe(-Infinity);
    expect(log10(Infinity)).toBe(Infinity);
    expect(log10(-1)).toBeNaN();
    expect(log10(Number.NaN)).toBeNaN();
    expect(log10(5e-324)).toBeCloseTo(-323.3062153431158, 12);
  });
});
