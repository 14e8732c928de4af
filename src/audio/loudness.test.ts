import { writeFile } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { GTZAN_DIR } from '../../test/gtzan.js';
import { encodeNormalisedOpusCopy, oggOpusDurationS } from './encode.js';
import { resolveAudioLimits } from './limits.js';
import { measureLoudness, normalisationGainDb, parseEbur128Summary } from './loudness.js';
import { ffmpegInputDump, ffmpegMake, REAL_FLAC, scratchDir } from './test-media.js';

let scratch: Awaited<ReturnType<typeof scratchDir>>;

beforeAll(async () => {
  scratch = await scratchDir();
});
afterAll(() => scratch.dispose());

const measure = (path: string): ReturnType<typeof measureLoudness> => measureLoudness('ffmpeg', path, resolveAudioLimits(), AbortSignal.timeout(30_000));

async function saved(ogg: Uint8Array): Promise<string> {
  const path = join(scratch.dir, `copy-${Math.random().toString(36).slice(2)}.ogg`);
  await writeFile(path, ogg);
  return path;
}

describe('normalisationGainDb', () => {
  it('aims at the target, keeps the peak under the ceiling, and leaves silence alone', () => {
    expect(normalisationGainDb({ integratedLufs: -10, samplePeakDbfs: 0 }, -16, -1)).toBe(-6);
    expect(normalisationGainDb({ integratedLufs: -26, samplePeakDbfs: -12 }, -16, -1)).toBe(10);
    // +10 dB would put the peak at +2 dBFS: capped at the ceiling
    expect(normalisationGainDb({ integratedLufs: -26, samplePeakDbfs: -8 }, -16, -1)).toBe(7);
    expect(normalisationGainDb({ integratedLufs: -70, samplePeakDbfs: -Infinity }, -16, -1)).toBe(0);
    expect(normalisationGainDb({ integratedLufs: -59, samplePeakDbfs: -50 }, -16, -1)).toBe(30);
  });

  it('parses ffmpeg\'s ebur128 summary, -inf included', () => {
    const summary = '[Parsed_ebur128_0 @ 0x1] Summary:\n\n  Integrated loudness:\n    I:         -14.9 LUFS\n    Threshold: -25.4 LUFS\n\n  Sample peak:\n    Peak:       -inf dBFS\n';
    expect(parseEbur128Summary(summary)).toEqual({ integratedLufs: -14.9, samplePeakDbfs: -Infinity });
    expect(() => parseEbur128Summary('nothing here')).toThrow(expect.objectContaining({ code: 'CORRUPT' }));
    // peak=true: the true peak, under its own heading
    expect(parseEbur128Summary('Summary:\n  I: -19.5 LUFS\n  True peak:\n    Peak: -0.4 dBFS')).toEqual({ integratedLufs: -19.5, truePeakDbtp: -0.4 });
    expect(parseEbur128Summary('Summary:\n  I: -inf LUFS')).toEqual({ integratedLufs: -Infinity });
    // both, and only the last summary counts
    const both = 'Summary:\n  I: -30.0 LUFS\nSummary:\n  I: -9.0 LUFS\n  Sample peak:\n    Peak: -2.5 dBFS\n  True peak:\n    Peak: -2.1 dBFS';
    expect(parseEbur128Summary(both)).toEqual({ integratedLufs: -9, samplePeakDbfs: -2.5, truePeakDbtp: -2.1 });
  });
});

describe('encodeNormalisedOpusCopy on real audio', () => {
  it('brings a loud and a quiet clip to within 1 dB of -16 LUFS, and says what it did', async () => {
    // blues.00010 measures about -15 LUFS; pop.00017 at -10 dB about -27 LUFS
    const quiet = await ffmpegMake(['-i', resolve(GTZAN_DIR, 'audio/full/pop/pop.00017.flac'), '-af', 'volume=-10dB', '-c:a', 'flac'], join(scratch.dir, 'quiet.flac'));
    const before = await Promise.all([measure(REAL_FLAC), measure(quiet)]);
    expect(before[0].integratedLufs - before[1].integratedLufs).toBeGreaterThan(10);

    const copies = await Promise.all([encodeNormalisedOpusCopy({ path: REAL_FLAC }), encodeNormalisedOpusCopy({ path: quiet })]);
    const after = await Promise.all(copies.map(async (copy) => measure(await saved(copy.ogg))));
    for (const [i, copy] of copies.entries()) {
      expect(copy.loudness.targetLufs).toBe(-16);
      expect(copy.loudness.integratedLufs).toBeCloseTo(before[i]!.integratedLufs, 1);
      expect(copy.loudness.gainDb).toBeCloseTo(-16 - before[i]!.integratedLufs, 1);
      expect(Math.abs(after[i]!.integratedLufs + 16)).toBeLessThan(1);
      expect(oggOpusDurationS(copy.ogg)).toBeCloseTo(30, 0);
    }
    expect(copies[0].loudness.gainDb).toBeLessThan(0);
    expect(copies[1].loudness.gainDb).toBeGreaterThan(8);
    expect(Math.abs(after[0]!.integratedLufs - after[1]!.integratedLufs)).toBeLessThan(1);
    expect(await ffmpegInputDump(await saved(copies[1].ogg))).toMatch(/^ {2}Stream #0:0: Audio: opus, 48000 Hz, mono,/m);
  });

  it('raises a quiet clip with high peaks only up to the -1 dBFS ceiling', async () => {
    // jazz.00010: about -22 LUFS with peaks near -2 dBFS: +6 dB would clip
    const jazz = resolve(GTZAN_DIR, 'audio/full/jazz/jazz.00010.flac');
    const { loudness, ogg } = await encodeNormalisedOpusCopy({ path: jazz });
    expect(loudness.gainDb).toBeCloseTo(-1 - loudness.samplePeakDbfs, 2);
    expect(loudness.gainDb).toBeLessThan(-16 - loudness.integratedLufs);
    const after = await measure(await saved(ogg));
    expect(after.integratedLufs).toBeCloseTo(loudness.integratedLufs + loudness.gainDb, 0);
  });
});
