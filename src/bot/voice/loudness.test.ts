import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { encodeOpusCopy } from '../../audio/encode.js';
import { REAL_FLAC, ffmpegMake, scratchDir } from '../../audio/test-media.js';
import { GAIN_TOLERANCE_DB, LoudnessCache, MAX_BOOST_DB, TARGET_LUFS, describedGain, gainToTarget, measureLoudness, parseEbur128Summary, r128TrackGainDb } from './loudness.js';
import { ffmpegArgs, openTrackStream, streamPlan } from './track-stream.js';

let dir: string;
let dispose: () => Promise<void>;
let loud: string;
let quiet: string;

/** Every Opus packet the player would send for the copy at `path` with `plan`. */
async function packets(path: string, plan: ReturnType<typeof streamPlan>): Promise<Buffer[]> {
  const errors: Error[] = [];
  const stream = openTrackStream(path, plan, 'id', (e) => errors.push(e));
  const out: Buffer[] = [];
  for await (const packet of stream.resource.playStream) out.push(packet as Buffer);
  stream.close();
  expect(errors).toEqual([]);
  return out;
}

beforeAll(async () => {
  ({ dir, dispose } = await scratchDir());
  // A real track as the library stores it, and the same 12 dB quieter.
  loud = join(dir, 'loud.ogg');
  await writeFile(loud, await encodeOpusCopy({ path: REAL_FLAC }));
  quiet = await ffmpegMake(['-i', loud, '-af', 'volume=-12dB', '-c:a', 'libopus', '-b:a', '64k', '-f', 'ogg'], join(dir, 'quiet.ogg'));
});
afterAll(async () => dispose());

describe('loudness normalisation', () => {
  it('measures a real copy and brings a 12 dB quieter one to the same loudness', async () => {
    const a = await measureLoudness(loud);
    const b = await measureLoudness(quiet);
    expect(a && b).toBeTruthy();
    expect((a?.integratedLufs ?? 0) - (b?.integratedLufs ?? 0)).toBeCloseTo(12, 0);
    const cache = new LoudnessCache();
    const gainLoud = await cache.gainFor('loud', loud, new Uint8Array());
    const gainQuiet = await cache.gainFor('quiet', quiet, new Uint8Array());
    expect(gainLoud.source).toBe('measured');
    // Played through the volume path (or as stored), both come out at the same loudness, near the target.
    const played: number[] = [];
    for (const [path, gain] of [[loud, gainLoud], [quiet, gainQuiet]] as const) {
      const plan = streamPlan(100, gain.gainDb);
      const out = plan.mode === 'passthrough' ? path : await ffmpegMake(ffmpegArgs(path, plan).slice(0, -1).filter((x) => x !== '-nostdin'), join(dir, `norm-${gain.gainDb}.ogg`));
      played.push((await measureLoudness(out))?.integratedLufs ?? Number.NaN);
    }
    expect(Math.abs((played[0] ?? 0) - (played[1] ?? 99))).toBeLessThan(1.5);
    expect(Math.abs((played[0] ?? 0) - TARGET_LUFS)).toBeLessThan(1.5);
  });

  it('uses the R128_TRACK_GAIN of the copy when it carries one, without measuring', async () => {
    const tagged = await ffmpegMake(['-i', loud, '-c', 'copy', '-metadata:s:a:0', 'R128_TRACK_GAIN=-1280', '-f', 'ogg'], join(dir, 'tagged.ogg'));
    const { readFile } = await import('node:fs/promises');
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
    expect(parseEbur128Summary('Summary:\n  I: -19.5 LUFS\n  True peak:\n    Peak: -0.4 dBFS')).toEqual({ integratedLufs: -19.5, truePeakDbtp: -0.4 });
    expect(parseEbur128Summary('Summary:\n  I: -inf LUFS')).toBeUndefined();
  });
});

describe('track streams', () => {
  it('chooses the stored packets at 100 % with a small gain, and ffmpeg otherwise', () => {
    expect(streamPlan(100, GAIN_TOLERANCE_DB / 2)).toEqual({ mode: 'passthrough' });
    expect(streamPlan(50, 0)).toEqual({ mode: 'ffmpeg', volume: 0.5, startS: 0 });
    expect(streamPlan(100, 6)).toEqual({ mode: 'ffmpeg', volume: 1.9953, startS: 0 });
    expect(streamPlan(100, 0, 12)).toEqual({ mode: 'ffmpeg', volume: 1, startS: 12 });
    const args = ffmpegArgs('/x/y.ogg', { mode: 'ffmpeg', volume: 0.5, startS: 3 });
    expect(args).toEqual(expect.arrayContaining(['-protocol_whitelist', 'file', '-f', 'ogg', '-ss', '3.000', 'volume=0.5', 'libopus']));
  });

  it('gives the player 20 ms Opus packets covering the whole track, stored or re-encoded', async () => {
    const stored = await packets(loud, { mode: 'passthrough' });
    const reencoded = await packets(loud, { mode: 'ffmpeg', volume: 0.5, startS: 0 });
    // The GTZAN clip lasts 30 s: about 1500 packets of 20 ms (the copy's frames are 20 ms too).
    expect(stored.length).toBeGreaterThan(1490);
    expect(stored.length).toBeLessThan(1510);
    expect(Math.abs(reencoded.length - stored.length)).toBeLessThan(5);
    // TOC byte: config >= 16 is CELT (music), frame size code 3 = 20 ms.
    expect(reencoded.every((p) => ((p[0] ?? 0) >> 3) % 4 === 3)).toBe(true);
    const seeked = await packets(loud, { mode: 'ffmpeg', volume: 1, startS: 20 });
    expect(Math.abs(seeked.length - 500)).toBeLessThan(10);
  });
});
