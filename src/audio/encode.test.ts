import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { decodeAudio, isAudioError, peakDbfs, type AudioErrorCode, type AudioSource, type DecodedAudio, type DecodeOptions } from './index.js';
import { encodeNormalisedOpusCopy, encodeOpusCopy, oggOpusDurationS } from './encode.js';
import { bestCorrelation, childToolPids, ffmpegInputDump, ffmpegMake, garbage, REAL_FLAC, scratchDir } from './test-media.js';

let scratch: Awaited<ReturnType<typeof scratchDir>>;
let reference: DecodedAudio;
let flacBytes: Buffer;

beforeAll(async () => {
  scratch = await scratchDir();
  flacBytes = await readFile(REAL_FLAC);
  reference = await decodeAudio({ path: REAL_FLAC });
});
afterAll(() => scratch.dispose());

/** ffmpeg's own dump of a copy, e.g. "Input #0, ogg, from ..." and "  Stream #0:0: Audio: opus, 48000 Hz, mono, fltp". */
async function dumpOf(ogg: Uint8Array): Promise<string> {
  const path = join(scratch.dir, `dump-${Math.random().toString(36).slice(2)}.ogg`);
  await writeFile(path, ogg);
  return ffmpegInputDump(path);
}

function rmsDb(samples: Float32Array): number {
  let sum = 0;
  for (const sample of samples) sum += sample * sample;
  return 10 * Math.log10(sum / samples.length);
}

describe('encodeOpusCopy of a real clip', () => {
  let ogg: Uint8Array;
  let decoded: DecodedAudio;
  beforeAll(async () => {
    ogg = await encodeOpusCopy(flacBytes);
    decoded = await decodeAudio(ogg);
  });

  it('is Ogg/Opus, mono for a mono source, and about 64 kbit/s', async () => {
    expect(Buffer.from(ogg.subarray(0, 4)).toString('latin1')).toBe('OggS');
    const dump = await dumpOf(ogg);
    expect(dump).toMatch(/^Input #0, ogg, /m);
    expect(dump).toMatch(/^ {2}Stream #0:0: Audio: opus, 48000 Hz, mono,/m);
    const kbps = (ogg.length * 8) / 1000 / reference.durationS;
    expect(kbps).toBeGreaterThan(40);
    expect(kbps).toBeLessThan(90);
    expect(ogg.length).toBeLessThan(flacBytes.length / 2);
  });

  it('decodes back to the same duration, correlated with the original and at the same loudness', () => {
    expect(decoded.durationS).toBeCloseTo(reference.durationS, 1);
    expect(oggOpusDurationS(ogg)).toBeCloseTo(reference.durationS, 2);
    const { r, lag } = bestCorrelation(decoded.samples, reference.samples, 64, 22_050 * 10);
    expect(r).toBeGreaterThan(0.95);
    expect(Math.abs(lag)).toBeLessThan(64);
    expect(Math.abs(rmsDb(decoded.samples) - rmsDb(reference.samples))).toBeLessThan(0.5);
    expect(Math.abs(peakDbfs(decoded.samples) - peakDbfs(reference.samples))).toBeLessThan(1.5);
  });

  it('follows the requested bit rate', async () => {
    const low = await encodeOpusCopy({ path: REAL_FLAC }, { bitrateKbps: 24 });
    const high = await encodeOpusCopy({ path: REAL_FLAC }, { bitrateKbps: 128 });
    expect(low.length).toBeLessThan(ogg.length * 0.6);
    expect(high.length).toBeGreaterThan(ogg.length * 1.4);
    await expect(encodeOpusCopy(flacBytes, { bitrateKbps: 3 })).rejects.toThrow(RangeError);
    await expect(encodeOpusCopy(flacBytes, { bitrateKbps: 64.5 })).rejects.toThrow(RangeError);
  });
});

describe('encodeOpusCopy channels', () => {
  it('keeps stereo stereo (left and right stay apart) and makes 5.1 stereo', async () => {
    // Left: the clip; right: the clip at -20 dB. A mono copy would make them equal.
    const stereo = await ffmpegMake(['-i', REAL_FLAC, '-t', '5', '-af', 'pan=stereo|c0=c0|c1=0.1*c0', '-c:a', 'pcm_s16le'], join(scratch.dir, 'st.wav'));
    const ogg = await encodeOpusCopy({ path: stereo });
    expect(await dumpOf(ogg)).toMatch(/Audio: opus, 48000 Hz, stereo,/);
    const left = await decodeAudio(await ffmpegCopyChannel(ogg, 0));
    const right = await decodeAudio(await ffmpegCopyChannel(ogg, 1));
    expect(rmsDb(left.samples) - rmsDb(right.samples)).toBeCloseTo(20, 0);
    expect(bestCorrelation(left.samples, right.samples, 4, 22_050 * 4).r).toBeGreaterThan(0.95);

    const surround = await ffmpegMake(['-i', REAL_FLAC, '-t', '3', '-af', 'pan=5.1|c0=c0|c1=c0|c2=c0|c3=0*c0|c4=c0|c5=c0', '-c:a', 'flac'], join(scratch.dir, 'sur.flac'));
    expect(await dumpOf(await encodeOpusCopy({ path: surround }))).toMatch(/Audio: opus, 48000 Hz, stereo,/);
  });

  it("down-mixes 5.1 as ffmpeg's -ac 2 does, and keeps a mono input without a stated layout mono", async () => {
    // Every channel at its own level, so that other down-mix weights would move left and right.
    const pan = 'pan=5.1|c0=c0|c1=0.3*c0|c2=0.5*c0|c3=0.8*c0|c4=0.2*c0|c5=0.6*c0';
    const surround = await ffmpegMake(['-i', REAL_FLAC, '-t', '4', '-af', pan, '-c:a', 'flac'], join(scratch.dir, 'levels.flac'));
    const reference = await ffmpegMake(['-i', surround, '-ac', '2', '-c:a', 'pcm_s16le'], join(scratch.dir, 'levels-ac2.wav'));
    const ogg = await encodeOpusCopy({ path: surround });
    for (const channel of [0, 1]) {
      const copied = await decodeAudio(await ffmpegCopyChannel(ogg, channel));
      const expected = await decodeAudio({ path: await ffmpegMake(['-i', reference, '-af', `pan=mono|c0=c${channel}`, '-c:a', 'pcm_s16le'], join(scratch.dir, `ref-${channel}.wav`)) });
      expect(Math.abs(rmsDb(copied.samples) - rmsDb(expected.samples))).toBeLessThan(0.3);
      expect(bestCorrelation(copied.samples, expected.samples, 64, 22_050 * 3).r).toBeGreaterThan(0.95);
    }
    // Raw PCM carries no layout: ffmpeg guesses mono for one channel.
    const raw = await ffmpegMake(['-i', REAL_FLAC, '-t', '3', '-f', 's16le'], join(scratch.dir, 'mono.raw'));
    const unlabelled = await ffmpegMake(['-f', 's16le', '-ar', '22050', '-ac', '1', '-i', raw, '-c:a', 'pcm_s16le'], join(scratch.dir, 'unlabelled.wav'));
    expect(await dumpOf(await encodeOpusCopy({ path: unlabelled }))).toMatch(/Audio: opus, 48000 Hz, mono,/);
  });
});

describe('encodeOpusCopy and encodeNormalisedOpusCopy read their input from ffmpeg alone', () => {
  it("trust ffmpeg's own dump of the input, whatever its tags pretend", async () => {
    // Tags whose values try to pass for the dump's own lines: a 99-hour duration, a FLAC stream.
    const fake = 'x\n  Duration: 99:00:00.00, start: 0.000000\n  Stream #0:0: Audio: flac, 8000 Hz, 5.1';
    const tagged = await ffmpegMake(
      ['-i', REAL_FLAC, '-t', '3', '-metadata', `title=${fake}`, '-metadata', `comment=${fake}`, '-c:a', 'libmp3lame', '-id3v2_version', '3'],
      join(scratch.dir, 'tagged.mp3'),
    );
    const limits = { maxDurationS: 60 };
    const [plain, normalised] = await Promise.all([encodeOpusCopy({ path: tagged }, { limits }), encodeNormalisedOpusCopy({ path: tagged }, { limits })]);
    for (const ogg of [plain, normalised.ogg]) {
      expect(oggOpusDurationS(ogg)).toBeCloseTo(3, 1);
      expect(await dumpOf(ogg)).toMatch(/Audio: opus, 48000 Hz, mono,/);
    }
  });

  it('stop on a stated duration over the limit, before encoding anything', async () => {
    const limits = { maxDurationS: 20 };
    for (const encode of [encodeOpusCopy, encodeNormalisedOpusCopy]) {
      await expect(encode({ path: REAL_FLAC }, { limits })).rejects.toMatchObject({ code: 'TOO_LONG', detail: expect.stringMatching(/states 30\.0 s/) as string });
    }
    expect(await childToolPids()).toEqual([]);
  });
});

/** One channel of an Ogg/Opus file, as a WAV path. */
async function ffmpegCopyChannel(ogg: Uint8Array, channel: number): Promise<AudioSource> {
  const input = join(scratch.dir, `ch-${channel}-${Math.random().toString(36).slice(2)}.ogg`);
  await writeFile(input, ogg);
  return { path: await ffmpegMake(['-i', input, '-af', `pan=mono|c0=c${channel}`, '-c:a', 'pcm_s16le'], `${input}.wav`) };
}

describe('encodeOpusCopy refuses what decoding refuses, with the same codes', () => {
  const cases: { name: string; source: () => Promise<AudioSource>; options?: DecodeOptions; code: AudioErrorCode }[] = [
    { name: 'random bytes', source: () => Promise.resolve(garbage(50_000, 0x12345678)), code: 'NOT_AUDIO' },
    { name: 'empty bytes', source: () => Promise.resolve(new Uint8Array(0)), code: 'NOT_AUDIO' },
    { name: 'a text file named .mp3', source: async () => ({ path: await put('notes.mp3', 'not audio at all\n'.repeat(50)) }), code: 'NOT_AUDIO' },
    { name: 'a directory', source: () => Promise.resolve({ path: scratch.dir }), code: 'NOT_AUDIO' },
    {
      name: 'an HLS playlist',
      source: () => Promise.resolve(Buffer.from(`#EXTM3U\n#EXT-X-TARGETDURATION:30\n#EXTINF:30,\n${REAL_FLAC}\n#EXT-X-ENDLIST\n`)),
      code: 'UNSUPPORTED',
    },
    {
      name: 'a FLAC with garbled frames',
      source: () => Promise.resolve(Buffer.concat([flacBytes.subarray(0, flacBytes.indexOf(Buffer.from([0xff, 0xf8]))), garbage(200_000, 0x12345678)])),
      code: 'CORRUPT',
    },
    {
      name: 'an mp3 cut after one frame',
      source: async () => (await readFile(await ffmpegMake(['-i', REAL_FLAC, '-t', '5', '-c:a', 'libmp3lame'], join(scratch.dir, 'cut.mp3')))).subarray(0, 600),
      code: 'CORRUPT',
    },
    { name: 'bytes over maxInputBytes', source: () => Promise.resolve(flacBytes), options: { limits: { maxInputBytes: 1000 } }, code: 'TOO_LARGE' },
    { name: 'a stated duration over maxDurationS', source: () => Promise.resolve({ path: REAL_FLAC }), options: { limits: { maxDurationS: 20 } }, code: 'TOO_LONG' },
    { name: 'a stream that understates its duration', source: liar, options: { limits: { maxDurationS: 12 } }, code: 'TOO_LONG' },
    { name: 'a run past decodeTimeoutMs', source: () => Promise.resolve(flacBytes), options: { limits: { decodeTimeoutMs: 5 } }, code: 'TOO_LONG' },
  ];

  it.each(cases)('$name: $code', async ({ source, options, code }) => {
    const input = await source();
    const runs = [decodeAudio(input, options), encodeOpusCopy(input, options), encodeNormalisedOpusCopy(input, options)];
    expect(await Promise.all(runs.map((run) => codeOf(run)))).toEqual([code, code, code]);
  });

  it('leaves no ffmpeg running after a refusal or an abort', async () => {
    const controller = new AbortController();
    const running = encodeOpusCopy(flacBytes, { signal: controller.signal });
    const reason = new Error('stop');
    setTimeout(() => controller.abort(reason), 30);
    await expect(running).rejects.toBe(reason);
    expect(await childToolPids()).toEqual([]);
  });

  async function put(name: string, content: string): Promise<string> {
    const path = join(scratch.dir, name);
    await writeFile(path, content);
    return path;
  }

  /** 3 s at 320 kb/s then 25 s at 32 kb/s without a Xing header: ffmpeg estimates ~5.5 s. */
  async function liar(): Promise<AudioSource> {
    const common = ['-ar', '44100', '-c:a', 'libmp3lame', '-write_xing', '0', '-id3v2_version', '0'];
    const loud = await ffmpegMake(['-f', 'lavfi', '-i', 'sine=d=3', ...common, '-b:a', '320k'], join(scratch.dir, 'a.mp3'));
    const long = await ffmpegMake(['-f', 'lavfi', '-i', 'sine=d=25', ...common, '-b:a', '32k'], join(scratch.dir, 'b.mp3'));
    return Buffer.concat([await readFile(loud), await readFile(long)]);
  }
});

async function codeOf(run: Promise<unknown>): Promise<string> {
  const error = await run.then(
    () => new Error('no error'),
    (caught: unknown) => caught,
  );
  return isAudioError(error) ? error.code : String(error);
}

