import { describe, expect, it, onTestFinished } from 'vitest';
import { applyMel, melFilterbank, powerToDbInPlace } from './mel.js';
import { stft } from './stft.js';
import { estimateTempo, meanTempogram, onsetPath, onsetStrength } from './tempo.js';

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

describe('onset strength', () => {
  it.each([true, false])('is the median across bands of the rectified differences (against sorting), ties and odd band counts included (wasm %s)', (useWasm) => {
    onsetPath.useWasm = useWasm;
    onTestFinished(() => {
      onsetPath.useWasm = true;
    });
    let seed = 8;
    const next = (): number => (seed = (seed * 16807) % 2147483647) / 2147483647;
    for (const nMels of [128, 127, 40, 3, 2, 1]) {
      const nFrames = 60;
      // coarse levels give ties and zero differences; the rise of 8 dB a frame keeps most positive
      const logMel = Float32Array.from({ length: nFrames * nMels }, (_, i) => Math.round(next() * 6) * 4 - 80 + 8 * Math.floor(i / nMels));
      const got = onsetStrength(logMel, nFrames, nMels);
      expect(got.filter((v) => v > 0).length).toBeGreaterThan(nFrames / 2);
      const lead = 1 + Math.floor(2048 / (2 * 512));
      for (let t = 1; t - 1 + lead < nFrames; t++) {
        const d = Array.from({ length: nMels }, (_, m) => Math.max(0, Math.fround(logMel[t * nMels + m]! - logMel[(t - 1) * nMels + m]!))).sort((a, b) => a - b);
        const mid = nMels >> 1;
        const want = nMels % 2 ? d[mid]! : Math.fround((d[mid - 1]! + d[mid]!) / 2);
        expect(got[t - 1 + lead], `${nMels} bands, frame ${t}`).toBe(want);
      }
    }
  });
});

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
