import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { logMelSpectrogram } from '../features/index.js';
import { readWav16 } from '../features/test-support.js';
import { PARITY_DIR } from '../../test/gtzan.js';
import { analyseSamples, analyseSamplesWithLogMel, planWindows } from './analyse-track.js';
import { GenreModel } from './genre-model.js';
import { SHIPPED_MODEL_DIR } from './paths.js';
import { loadTfRuntime } from './runtime.js';

/** Three real 30 s parity clips joined: a 90 s track of three windows. */
function track(): Float32Array {
  const clips = ['blues.00000.wav', 'jazz.00001.wav', 'rock.00000.wav'].map((name) => readWav16(join(PARITY_DIR, name)).samples);
  const out = new Float32Array(clips.reduce((n, c) => n + c.length, 0));
  let at = 0;
  for (const clip of clips) {
    out.set(clip, at);
    at += clip.length;
  }
  return out;
}

describe('analyseSamplesWithLogMel', () => {
  let model: GenreModel;
  beforeAll(async () => {
    model = await GenreModel.load(SHIPPED_MODEL_DIR, await loadTfRuntime());
  });
  afterAll(() => model.dispose());

  it('gives the same analysis as analyseSamples, and the picture\'s log-mel from the windows (no second transform)', () => {
    const samples = track();
    const columns = 300;
    const { analysis, logMel } = analyseSamplesWithLogMel(samples, 22_050, model, columns);
    expect(analysis).toEqual(analyseSamples(samples, 22_050, model));
    expect(planWindows(samples.length, 22_050)).toHaveLength(3);

    const direct = logMelSpectrogram(samples, { hopLength: logMel.hopLength });
    expect(logMel.hopLength).toBe(2048);
    expect(logMel.nMels).toBe(128);
    expect(Math.abs(logMel.nFrames - direct.nFrames)).toBeLessThanOrEqual(3);
    let max = -Infinity;
    let min = Infinity;
    for (const v of logMel.data) {
      max = Math.max(max, v);
      min = Math.min(min, v);
    }
    expect(max).toBe(0);
    expect(min).toBeGreaterThanOrEqual(-80);
    // The first window's frames sit where the direct transform's do: the same values up to one
    // offset (each picture is relative to its own maximum, found among slightly different frames).
    const firstWindowFrames = Math.floor(planWindows(samples.length, 22_050)[0]!.end / 2048);
    const diffs: number[] = [];
    for (let i = 0; i < firstWindowFrames * 128; i++) if (direct.data[i]! > -79) diffs.push(logMel.data[i]! - direct.data[i]!);
    const offset = [...diffs].sort((a, b) => a - b)[diffs.length >> 1]!;
    expect(Math.abs(offset)).toBeLessThan(3);
    expect(diffs.filter((d) => Math.abs(d - offset) < 0.01).length / diffs.length).toBeGreaterThan(0.95);
  });
});
