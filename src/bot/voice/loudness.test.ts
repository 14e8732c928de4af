import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { measureStoredCopyLoudness } from '../../audio/loudness.js';
import { ffmpegMake, savePlayback, scratchDir, storedCopies } from '../../audio/test-media.js';
import { GAIN_TOLERANCE_DB, LoudnessCache, MAX_BOOST_DB, TARGET_LUFS, describedGain, gainToTarget, r128TrackGainDb } from './loudness.js';
import { openTrackStream, streamPlan, type StreamPlan } from './track-stream.js';

let dir: string;
let dispose: () => Promise<void>;
let loud: string;
let quiet: string;

beforeAll(async () => {
  ({ dir, dispose } = await scratchDir());
  ({ loud, quiet } = await storedCopies(dir));
});
afterAll(async () => dispose());

describe('loudness normalisation', () => {
  it('measures real copies and brings a 12 dB quieter one to the same loudness', async () => {
    const cache = new LoudnessCache();
    const gainLoud = await cache.gainFor('loud', loud, new Uint8Array());
    const gainQuiet = await cache.gainFor('quiet', quiet, new Uint8Array());
    expect(gainLoud.source).toBe('measured');
    // Played through the volume path (or as stored), both come out at the same loudness, near the target.
    const levels: number[] = [];
    for (const [path, gain] of [[loud, gainLoud], [quiet, gainQuiet]] as const) {
      const plan = streamPlan(100, gain.gainDb);
      const out = plan.mode === 'passthrough' ? path : await savePlayback(path, plan, join(dir, `norm-${gain.gainDb}.ogg`));
      levels.push((await measureStoredCopyLoudness(out))?.integratedLufs ?? Number.NaN);
    }
    expect(Math.abs((levels[0] ?? 0) - (levels[1] ?? 99))).toBeLessThan(1.5);
    expect(Math.abs((levels[0] ?? 0) - TARGET_LUFS)).toBeLessThan(1.5);
  });

  it('uses the R128_TRACK_GAIN of the copy when it carries one, without measuring', async () => {
    const tagged = await ffmpegMake(['-i', loud, '-c', 'copy', '-metadata:s:a:0', 'R128_TRACK_GAIN=-1280', '-f', 'ogg'], join(dir, 'tagged.ogg'));
    const bytes = new Uint8Array(await readFile(tagged));
    expect(r128TrackGainDb(bytes)).toBe(-5);
    expect(r128TrackGainDb(new Uint8Array(await readFile(loud)))).toBeUndefined();
    let measured = 0;
    const cache = new LoudnessCache(() => Promise.resolve((measured++, undefined)));
    // -5 dB reaches -23 LUFS, so the track is at -18 LUFS: +2 dB to the target (-16).
    expect(await cache.gainFor('t', tagged, bytes)).toEqual({ gainDb: 2, source: 'tag' });
    expect(measured).toBe(0);
  });

  it('trusts the description of a copy normalised when encoded, without opening it', async () => {
    // Normalised to the target: nothing left to do, so the stored packets are played as they are.
    expect(describedGain({ integratedLufs: -22.1, samplePeakDbfs: -9, targetLufs: -16, gainDb: 6.1 })).toEqual({ gainDb: 0, source: 'description' });
    // Held back by its peak when encoded: a boost would clip, so none.
    expect(describedGain({ integratedLufs: -24, samplePeakDbfs: -3, targetLufs: -16, gainDb: 2 }).gainDb).toBe(0);
    // Encoded for another target: the rest of the way.
    expect(describedGain({ integratedLufs: -10, samplePeakDbfs: -0.5, targetLufs: -14, gainDb: -4 }).gainDb).toBe(-2);
    expect(describedGain({ integratedLufs: -70, samplePeakDbfs: null, targetLufs: -16, gainDb: 0 }).gainDb).toBe(0);
    let measured = 0;
    const cache = new LoudnessCache(() => Promise.resolve((measured++, undefined)));
    expect((await cache.gainFor('t', loud, new Uint8Array(), { integratedLufs: -16, samplePeakDbfs: -2, targetLufs: -16, gainDb: 0 })).source).toBe('description');
    expect(measured).toBe(0);
  });

  it('limits boosts by the peak ceiling and the largest boost', () => {
    expect(gainToTarget(-20)).toBe(4);
    expect(gainToTarget(-40)).toBe(MAX_BOOST_DB);
    expect(gainToTarget(-20, -2)).toBe(1);
    expect(gainToTarget(-10, 0)).toBe(-6);
  });
});

describe('track streams', () => {
  it('chooses the stored packets at 100 % with a small gain, and ffmpeg otherwise', () => {
    expect(streamPlan(100, GAIN_TOLERANCE_DB / 2)).toEqual({ mode: 'passthrough' });
    expect(streamPlan(50, 0)).toEqual({ mode: 'ffmpeg', volume: 0.5, startS: 0 });
    expect(streamPlan(100, 6)).toEqual({ mode: 'ffmpeg', volume: 1.9953, startS: 0 });
    expect(streamPlan(100, 0, 12)).toEqual({ mode: 'ffmpeg', volume: 1, startS: 12 });
  });

  it('gives the player the Opus packets of the copy, stored or re-encoded (src/audio/playback-stream)', async () => {
    const counts: number[] = [];
    for (const plan of [{ mode: 'passthrough' }, { mode: 'ffmpeg', volume: 0.5, startS: 0 }] satisfies StreamPlan[]) {
      const failures: Error[] = [];
      const track = openTrackStream(loud, plan, 'track-1', (e) => failures.push(e));
      expect(track.resource.metadata).toBe('track-1');
      let count = 0;
      for await (const packet of track.resource.playStream) count += (packet as Buffer).length > 0 ? 1 : 0;
      track.close();
      expect(failures).toEqual([]);
      counts.push(count);
    }
    // The GTZAN clip lasts 30 s: about 1500 packets of 20 ms, either way.
    expect(Math.abs((counts[0] ?? 0) - 1500)).toBeLessThan(10);
    expect(Math.abs((counts[1] ?? 0) - (counts[0] ?? 0))).toBeLessThan(5);
  });
});
