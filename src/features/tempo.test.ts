import { describe, expect, it } from 'vitest';
import { applyMel, melFilterbank, powerToDbInPlace } from './mel.js';
import { stft } from './stft.js';
import { estimateTempo, meanTempogram, onsetStrength } from './tempo.js';

const SR = 22050;

function tempoOf(samples: Float32Array): number {
  const spec = stft(samples);
  const logMel = powerToDbInPlace(applyMel(spec.power, spec.nFrames, melFilterbank(SR, 2048, 128)), 1, 80);
  return estimateTempo(onsetStrength(logMel, spec.nFrames, 128));
}

/** Decaying noise bursts every `periodFrames` hops of 512 samples. */
function clickTrack(periodFrames: number, seconds: number): Float32Array {
  const x = new Float32Array(seconds * SR);
  let seed = 3;
  for (let start = 0; start < x.length; start += periodFrames * 512) {
    for (let i = 0; i < 800 && start + i < x.length; i++) {
      seed = (seed * 16807) % 2147483647;
      x[start + i] = (seed / 2147483647 - 0.5) * Math.exp(-i / 150);
    }
  }
  return x;
}

describe('tempo', () => {
  it('finds the beat period of a click track, as 60 sr / hop / lag', () => {
    expect(tempoOf(clickTrack(22, 20))).toBe(2583.984375 / 22);
    expect(tempoOf(clickTrack(18, 20))).toBe(2583.984375 / 18);
  });

  it('is 0 for silence', () => {
    expect(tempoOf(new Float32Array(5 * SR))).toBe(0);
  });

  it('prepends 3 zero frames to the onset envelope (lag 1 + n_fft / (2 hop))', () => {
    const logMel = Float32Array.from({ length: 10 * 4 }, (_, i) => (Math.floor(i / 4) === 5 ? 10 : 0));
    const onset = onsetStrength(logMel, 10, 4);
    // the rise into frame 5 (diff index 4) lands at 4 + 3 = 7
    expect(Array.from(onset)).toEqual([0, 0, 0, 0, 0, 0, 0, 10, 0, 0]);
  });

  it('normalises every tempogram frame by its lag-0 maximum', () => {
    const onset = Float64Array.from({ length: 400 }, (_, i) => (i % 20 === 0 ? 1 : 0));
    const tg = meanTempogram(onset, 344);
    expect(tg[0]).toBeCloseTo(1, 12);
    expect(tg[20]!).toBeGreaterThan(tg[10]!);
  });
});
