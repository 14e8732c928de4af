import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { threeMinuteMp3 } from '../../bench/track.js';
import { ANALYSIS_SAMPLE_RATE_HZ, decodeAudio, isSilent, peakDbfs, type DecodedAudio } from './index.js';
import {
  bestCorrelation,
  childToolPids,
  ffmpegMake,
  PARITY_WAV,
  readWavInt16,
  REAL_FLAC,
  scratchDir,
} from './test-media.js';

let scratch: Awaited<ReturnType<typeof scratchDir>>;
let reference: DecodedAudio;

beforeAll(async () => {
  scratch = await scratchDir();
  reference = await decodeAudio({ path: REAL_FLAC });
});
afterAll(() => scratch.dispose());

describe('decodeAudio parity', () => {
  it('decodes a 16-bit 22 050 Hz mono WAV to exactly int16 / 32768', async () => {
    const wav = await readWavInt16(PARITY_WAV);
    expect(wav).toMatchObject({ sampleRateHz: 22_050, channels: 1 });
    const decoded = await decodeAudio({ path: PARITY_WAV });
    expect(decoded.sampleRateHz).toBe(ANALYSIS_SAMPLE_RATE_HZ);
    expect(decoded.samples.length).toBe(wav.samples.length);
    let mismatches = 0;
    for (let i = 0; i < wav.samples.length; i++) {
      if (decoded.samples[i] !== (wav.samples[i] ?? 0) / 32768) mismatches++;
    }
    expect(mismatches).toBe(0);
    expect(decoded.durationS).toBeCloseTo(wav.samples.length / 22_050, 9);
    expect(decoded).toMatchObject({ codec: 'pcm_s16le', container: 'wav' });
  });

  it('averages stereo channels like librosa (mean of left and right)', async () => {
    // Left: the real clip; right: silence. The mono mix must be exactly half the clip.
    const stereo = await ffmpegMake(
      ['-i', REAL_FLAC, '-t', '3', '-af', 'pan=stereo|c0=c0|c1=0*c0', '-c:a', 'pcm_s16le'],
      join(scratch.dir, 'half.wav'),
    );
    const wav = await readWavInt16(stereo);
    const decoded = await decodeAudio({ path: stereo });
    expect(decoded.samples.length).toBe(wav.samples.length / 2);
    for (let i = 0; i < decoded.samples.length; i += 97) {
      expect(decoded.samples[i]).toBe((wav.samples[2 * i] ?? 0) / 32768 / 2);
    }
  });

  it('resamples to options.sampleRateHz', async () => {
    const decoded = await decodeAudio({ path: REAL_FLAC }, { sampleRateHz: 16_000 });
    expect(decoded.sampleRateHz).toBe(16_000);
    expect(decoded.durationS).toBeCloseTo(reference.durationS, 2);
  });

  it("describes the input from ffmpeg's own dump, whatever its tags pretend", async () => {
    // Tags whose values try to pass for the dump's own lines: a 99-hour duration, a FLAC stream.
    const fake = 'x\n  Duration: 99:00:00.00, start: 0.000000\n  Stream #0:0: Audio: flac, 8000 Hz';
    const tagged = await ffmpegMake(
      ['-i', REAL_FLAC, '-t', '3', '-metadata', `title=${fake}`, '-metadata', `comment=${fake}`, '-c:a', 'libmp3lame', '-id3v2_version', '3'],
      join(scratch.dir, 'tagged.mp3'),
    );
    const decoded = await decodeAudio({ path: tagged }, { limits: { maxDurationS: 60 } });
    expect(decoded).toMatchObject({ codec: 'mp3', container: 'mp3' });
    expect(decoded.durationS).toBeCloseTo(3, 1);
  });

  it('rejects a sample rate outside 1000..192000 Hz', async () => {
    await expect(decodeAudio({ path: REAL_FLAC }, { sampleRateHz: 12.5 })).rejects.toThrow(RangeError);
  });
});

// Each format is made from 10 s of a real clip, as stereo at 44.1 kHz (48 kHz for opus), so that
// decoding exercises the downmix and the resampler too.
const FORMATS = [
  { name: 'mp3', file: 'clip.mp3', args: ['-c:a', 'libmp3lame', '-b:a', '192k'], codec: 'mp3', container: 'mp3' },
  { name: 'ogg/vorbis', file: 'clip.ogg', args: ['-c:a', 'libvorbis', '-q:a', '6'], codec: 'vorbis', container: 'ogg' },
  { name: 'opus', file: 'clip.opus', args: ['-c:a', 'libopus', '-b:a', '128k', '-ar', '48000'], codec: 'opus', container: 'ogg' },
  { name: 'flac', file: 'clip.flac', args: ['-c:a', 'flac'], codec: 'flac', container: 'flac' },
  { name: 'wav', file: 'clip.wav', args: ['-c:a', 'pcm_s24le'], codec: 'pcm_s24le', container: 'wav' },
  { name: 'm4a/aac', file: 'clip.m4a', args: ['-c:a', 'aac', '-b:a', '192k'], codec: 'aac', container: 'mov,mp4,m4a,3gp,3g2,mj2' },
  { name: 'webm/opus', file: 'clip.webm', args: ['-c:a', 'libopus', '-b:a', '128k', '-ar', '48000'], codec: 'opus', container: 'matroska,webm' },
] as const;

describe.each(FORMATS)('decodeAudio of $name', (format) => {
  let path: string;
  let decoded: DecodedAudio;
  beforeAll(async () => {
    path = await ffmpegMake(['-i', REAL_FLAC, '-t', '10', '-ac', '2', '-ar', '44100', ...format.args], join(scratch.dir, format.file));
    decoded = await decodeAudio({ path });
  });

  it('gives 10 s of mono 22 050 Hz PCM that matches the original', () => {
    expect(decoded).toMatchObject({ sampleRateHz: 22_050, codec: format.codec, container: format.container });
    expect(Math.abs(decoded.durationS - 10)).toBeLessThan(0.06);
    const { r, lag } = bestCorrelation(decoded.samples, reference.samples, 64, 5 * 22_050);
    expect(r).toBeGreaterThan(0.97);
    expect(Math.abs(lag)).toBeLessThanOrEqual(2);
  });

  it('gives identical samples from bytes and from the path', async () => {
    const fromBytes = await decodeAudio(await readFile(path));
    expect(fromBytes.samples.length).toBe(decoded.samples.length);
    expect(Buffer.from(fromBytes.samples.buffer).equals(Buffer.from(decoded.samples.buffer))).toBe(true);
    expect(fromBytes.codec).toBe(decoded.codec);
  });
});

describe('peakDbfs and isSilent', () => {
  it('measure the absolute peak against a dBFS threshold', () => {
    const quiet = new Float32Array([0, 0.0005, -0.0009, 0]);
    expect(peakDbfs(quiet)).toBeCloseTo(20 * Math.log10(Math.fround(0.0009)), 9);
    expect(isSilent(quiet, -60)).toBe(true);
    expect(isSilent(Float32Array.of(0, -0.0011), -60)).toBe(false);
    expect(peakDbfs(new Float32Array(8))).toBe(-Infinity);
    expect(peakDbfs(Float32Array.of(0.5, -1))).toBe(0);
  });
});

describe('decodeAudio cancellation', () => {
  it('kills ffmpeg when the signal aborts, leaving no child process', async () => {
    // A real 3-minute mp3 upsampled to 192 kHz keeps ffmpeg busy long enough to be caught
    // running, even when a busy machine makes the scan of /proc below slow.
    const bytes = await readFile(await threeMinuteMp3());
    const controller = new AbortController();
    const decoding = decodeAudio(bytes, { signal: controller.signal, sampleRateHz: 192_000 });
    const outcome = decoding.then(() => 'decoded', (error: unknown) => error);
    const startedMs = Date.now();
    while ((await childToolPids()).length === 0 && Date.now() - startedMs < 10_000) {
      await new Promise((resolve) => setTimeout(resolve, 2));
    }
    controller.abort();
    expect(await outcome).toMatchObject({ name: 'AbortError' });
    expect(await childToolPids()).toEqual([]);
  });

  it('rejects at once with an already aborted signal', async () => {
    const reason = new Error('stop');
    await expect(decodeAudio({ path: REAL_FLAC }, { signal: AbortSignal.abort(reason) })).rejects.toBe(reason);
  });

  it('reports a missing file as a plain error, not an audio error', async () => {
    await expect(decodeAudio({ path: join(scratch.dir, 'missing.flac') })).rejects.toMatchObject({ code: 'ENOENT' });
  });
});
