import { describe, expect, it } from 'vitest';
import { applyMel, hzToMel, melFilterbank, melToHz, powerToDbInPlace } from './mel.js';

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
