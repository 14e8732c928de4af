import { describe, expect, it } from 'vitest';
import { hpssSignals } from './hpss.js';
import { stft } from './stft.js';

const SR = 22050;

describe('HPSS', () => {
  const n = 3 * SR + 300; // not a multiple of the hop: the tail of length mod 512 is zero
  const tone = Float32Array.from({ length: n }, (_, i) => 0.3 * Math.sin((2 * Math.PI * 440 * i) / SR));
  const clicks = new Float32Array(n);
  for (let i = 0; i < n; i += 5000) clicks[i] = 0.9;

  it('sends a steady tone to the harmonic part and clicks to the percussive part', () => {
    const energy = (x: Float32Array): number => x.reduce((a, v) => a + v * v, 0);
    const t = hpssSignals(tone, stft(tone));
    expect(energy(t.harmonic) / energy(tone)).toBeGreaterThan(0.95);
    const c = hpssSignals(clicks, stft(clicks));
    expect(energy(c.percussive) / energy(clicks)).toBeGreaterThan(0.8);
  });

  it('reconstructs the signal as harmonic + percussive, zero after 512 floor(n / 512) samples', () => {
    const mix = Float32Array.from(tone, (v, i) => v + clicks[i]!);
    const { harmonic, percussive } = hpssSignals(mix, stft(mix));
    const end = 512 * Math.floor(n / 512);
    let maxErr = 0;
    for (let i = 0; i < end; i++) maxErr = Math.max(maxErr, Math.abs(harmonic[i]! + percussive[i]! - mix[i]!));
    expect(maxErr).toBeLessThan(1e-6);
    for (let i = end; i < n; i++) {
      expect(harmonic[i]).toBe(0);
      expect(percussive[i]).toBe(0);
    }
  });
});
