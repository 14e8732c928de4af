import { execFile } from 'node:child_process';
import { readFile, writeFile } from 'node:fs/promises';
import { createServer, type Server } from 'node:net';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { decodeAudio, isAudioError, type AudioError, type AudioErrorCode, type DecodeOptions } from './index.js';
import { lockedInputArgs, parseInputDump } from './probe.js';
import { childToolPids, ffmpegInputDump, ffmpegMake, garbage, PARITY_WAV, REAL_FLAC, scratchDir } from './test-media.js';

const execFileAsync = promisify(execFile);
let scratch: Awaited<ReturnType<typeof scratchDir>>;
let flacBytes: Buffer;
// A local HTTP-ish listener: a playlist pointing at it must never make ffmpeg connect.
let listener: Server;
let connections = 0;
let listenerUrl: string;

beforeAll(async () => {
  scratch = await scratchDir();
  flacBytes = await readFile(REAL_FLAC);
  listener = createServer((socket) => {
    connections++;
    socket.destroy();
  });
  await new Promise<void>((resolve) => listener.listen(0, '127.0.0.1', resolve));
  const address = listener.address();
  if (address === null || typeof address === 'string') throw new Error('no port');
  listenerUrl = `http://127.0.0.1:${address.port}/x.wav`;
});
afterAll(async () => {
  await new Promise((resolve) => listener.close(resolve));
  await scratch.dispose();
});

/** Decodes `source` and returns the AudioError it must throw. */
async function audioErrorOf(source: Uint8Array | { path: string }, options?: DecodeOptions): Promise<AudioError> {
  const error = await decodeAudio(source, options).then(
    () => new Error('decoded without an error'),
    (caught: unknown) => caught,
  );
  if (!isAudioError(error)) throw error;
  expect(error.message).toMatch(/^[A-Z].*\.$/);
  expect(error.message).not.toMatch(/ffmpeg|ffprobe|0x|\n/);
  return error;
}

async function write(name: string, content: Uint8Array | string): Promise<string> {
  const path = join(scratch.dir, name);
  await writeFile(path, content);
  return path;
}

async function expectCode(code: AudioErrorCode, source: Uint8Array | { path: string }, options?: DecodeOptions): Promise<AudioError> {
  const error = await audioErrorOf(source, options);
  expect({ code: error.code, detail: error.detail }).toMatchObject({ code });
  return error;
}

describe('NOT_AUDIO', () => {
  it('for random bytes, as bytes and as a .bin file', async () => {
    const noise = garbage(64 * 1024);
    await expectCode('NOT_AUDIO', noise);
    await expectCode('NOT_AUDIO', { path: await write('noise.bin', noise) });
  });

  it('for a directory and for an endless device, which are never read', async () => {
    await expectCode('NOT_AUDIO', { path: scratch.dir });
    await expectCode('NOT_AUDIO', { path: '/dev/zero' });
  });

  it('for a text file and for empty input', async () => {
    await expectCode('NOT_AUDIO', { path: await write('notes.txt', 'These are my favourite songs.\nNot audio.\n') });
    await expectCode('NOT_AUDIO', new Uint8Array(0));
  });

  it('for a text file named like an mp3, whose extension does not sway the probe', async () => {
    const text = 'these are my liner notes, not audio\n'.repeat(50);
    await expectCode('NOT_AUDIO', { path: await write('notes.mp3', text) });
    await expectCode('NOT_AUDIO', Buffer.from(text));
  });

  it('for a PNG image and for a video without sound', async () => {
    const png = await ffmpegMake(['-f', 'lavfi', '-i', 'testsrc=size=64x64', '-frames:v', '1'], join(scratch.dir, 'image.png'));
    await expectCode('NOT_AUDIO', await readFile(png));
    const video = await ffmpegMake(['-f', 'lavfi', '-i', 'testsrc=size=64x64:duration=1', '-c:v', 'mpeg4'], join(scratch.dir, 'video.mp4'));
    await expectCode('NOT_AUDIO', { path: video });
  });
});

describe('CORRUPT', () => {
  it('for a FLAC whose audio frames are garbled or truncated away', async () => {
    const firstFrame = flacBytes.indexOf(Buffer.from([0xff, 0xf8]));
    expect(firstFrame).toBeGreaterThan(0);
    const garbled = Buffer.concat([flacBytes.subarray(0, firstFrame), garbage(200_000)]);
    await expectCode('CORRUPT', garbled);
    await expectCode('CORRUPT', flacBytes.subarray(0, firstFrame + 100));
  });

  it('for an mp3 garbled after its first kilobyte and an m4a cut before its index', async () => {
    const mp3 = await readFile(await ffmpegMake(['-i', REAL_FLAC, '-t', '5', '-c:a', 'libmp3lame'], join(scratch.dir, 'cut.mp3')));
    // Most frames fail to decode: ffmpeg's max_error_rate makes it exit with an error.
    await expectCode('CORRUPT', Buffer.concat([mp3.subarray(0, 1000), garbage(mp3.length - 1000, 7)]));
    // Cut after one frame: a few ms out of the 5 s its Xing header states.
    await expectCode('CORRUPT', mp3.subarray(0, 600));
    const m4a = await readFile(await ffmpegMake(['-i', REAL_FLAC, '-t', '5', '-c:a', 'aac'], join(scratch.dir, 'cut.m4a')));
    await expectCode('CORRUPT', m4a.subarray(0, Math.floor(m4a.length / 2)));
  });
});

describe('UNSUPPORTED, and ffmpeg follows no reference', () => {
  const targets = (): string[] => [PARITY_WAV, listenerUrl, 'http://127.0.0.1:9/x'];
  const hls = (): string =>
    ['#EXTM3U', '#EXT-X-TARGETDURATION:30', ...targets().flatMap((url) => ['#EXTINF:30,', url]), '#EXT-X-ENDLIST', ''].join('\n');
  const ffconcat = (): string => ['ffconcat version 1.0', ...targets().map((url) => `file '${url}'`), ''].join('\n');

  it('refuses an HLS playlist pointing at a real local clip and at http URLs', async () => {
    await expectCode('UNSUPPORTED', Buffer.from(hls()));
    await expectCode('UNSUPPORTED', { path: await write('list.m3u8', hls()) });
    expect(connections).toBe(0);
  });

  it('refuses an ffconcat list pointing at a real local clip and at http URLs', async () => {
    await expectCode('UNSUPPORTED', Buffer.from(ffconcat()));
    await expectCode('UNSUPPORTED', { path: await write('list.ffconcat', ffconcat()) });
    expect(connections).toBe(0);
  });

  it("refuses them in ffmpeg's own input arguments too, not only in the probe", async () => {
    for (const path of [await write('again.m3u8', hls()), await write('again.ffconcat', ffconcat())]) {
      const run = execFileAsync('ffmpeg', ['-nostdin', '-v', 'error', ...lockedInputArgs(path), '-f', 'null', '-']);
      await expect(run).rejects.toMatchObject({ stderr: expect.stringMatching(/Format not on whitelist/) as string });
    }
    expect(connections).toBe(0);
  });

  it('refuses a container outside the allow-list', async () => {
    // SMJPEG carries PCM audio and ffmpeg reads it, but our allow-list does not.
    const smjpeg = await ffmpegMake(['-i', REAL_FLAC, '-t', '1', '-c:a', 'pcm_s16le', '-f', 'smjpeg'], join(scratch.dir, 'clip.mjpg'));
    await expectCode('UNSUPPORTED', await readFile(smjpeg));
  });
});

describe('TOO_LARGE', () => {
  // A missing ffmpeg proves that the size is checked before any process starts.
  const noTools = { ffmpegPath: '/nonexistent/ffmpeg' };

  it('for bytes and for a file over maxInputBytes, without starting ffmpeg', async () => {
    const limits = { maxInputBytes: flacBytes.length - 1 };
    const error = await expectCode('TOO_LARGE', flacBytes, { limits, ...noTools });
    expect(error.message).toMatch(/MiB/);
    await expectCode('TOO_LARGE', { path: REAL_FLAC }, { limits, ...noTools });
  });

  it('while a missing ffmpeg is an operator error, not a user one', async () => {
    await expect(decodeAudio(flacBytes, noTools)).rejects.toThrow(/Could not run/);
    expect(await childToolPids()).toEqual([]);
  });
});

describe('TOO_LONG', () => {
  it('rejects early when the container states a duration over maxDurationS', async () => {
    const error = await expectCode('TOO_LONG', { path: REAL_FLAC }, { limits: { maxDurationS: 20 } });
    expect(error.message).toMatch(/0\.3 minutes/);
    // stopped on the stated duration, before any sample was decoded
    expect(error.detail).toMatch(/states 30\.0 s/);
  });

  it('kills ffmpeg once a stream that understates its duration passes maxDurationS', async () => {
    // 3 s at 320 kb/s then 25 s at 32 kb/s, no Xing header: ffmpeg estimates ~5.5 s from the
    // first bitrate, so only the decoder's sample cap can catch it.
    const loud = await ffmpegMake(['-f', 'lavfi', '-i', 'sine=d=3', '-ar', '44100', '-c:a', 'libmp3lame', '-b:a', '320k', '-write_xing', '0', '-id3v2_version', '0'], join(scratch.dir, 'a.mp3'));
    const long = await ffmpegMake(['-f', 'lavfi', '-i', 'sine=d=25', '-ar', '44100', '-c:a', 'libmp3lame', '-b:a', '32k', '-write_xing', '0', '-id3v2_version', '0'], join(scratch.dir, 'b.mp3'));
    const liar = await write('liar.mp3', Buffer.concat([await readFile(loud), await readFile(long)]));
    expect(parseInputDump(await ffmpegInputDump(liar))?.durationS).toBeLessThan(12);
    await expectCode('TOO_LONG', { path: liar }, { limits: { maxDurationS: 12 } });
    await expect(decodeAudio({ path: liar }, { limits: { maxDurationS: 30 } })).resolves.toMatchObject({ durationS: expect.closeTo(28, 0) as number });
    expect(await childToolPids()).toEqual([]);
  });

  it('kills ffmpeg when decoding outlasts decodeTimeoutMs', async () => {
    const error = await expectCode('TOO_LONG', flacBytes, { limits: { decodeTimeoutMs: 5 } });
    expect(error.message).toMatch(/took too long/);
    expect(await childToolPids()).toEqual([]);
  });
});

describe('SILENT', () => {
  it('for digital silence and for a tone below -60 dBFS, but not for one above', async () => {
    const silence = await ffmpegMake(['-f', 'lavfi', '-i', 'anullsrc=r=44100:cl=stereo', '-t', '2', '-c:a', 'libvorbis'], join(scratch.dir, 'silence.ogg'));
    await expectCode('SILENT', await readFile(silence));
    const tone = (dbfs: number): string[] => ['-f', 'lavfi', '-i', `sine=f=440:d=2,volume=${dbfs}dB`, '-c:a', 'pcm_f32le'];
    // sine's amplitude is 1/8 (-18 dBFS): -50 dB more gives -68 dBFS, -30 dB more gives -48.
    await expectCode('SILENT', { path: await ffmpegMake(tone(-50), join(scratch.dir, 'quiet.wav')) });
    const audible = await decodeAudio({ path: await ffmpegMake(tone(-30), join(scratch.dir, 'soft.wav')) });
    expect(audible.durationS).toBeCloseTo(2, 2);
  });
});

describe('garbage never crashes', () => {
  it('real clips with corrupted bytes either decode or throw an AudioError', async () => {
    const formats = [['flac'], ['libmp3lame', 'mp3'], ['libvorbis', 'ogg'], ['aac', 'm4a']] as const;
    const clips = await Promise.all(
      formats.map(async ([codec, ext = codec]) =>
        readFile(await ffmpegMake(['-i', REAL_FLAC, '-t', '2', '-c:a', codec], join(scratch.dir, `fuzz.${ext}`))),
      ),
    );
    const outcomes = new Set<string>();
    await Promise.all(
      clips.flatMap((clip, clipIndex) =>
        [0, 1].map(async (round) => {
          // Overwrite 32-byte runs in the header region and in the body with garbage.
          const mutated = Buffer.from(clip);
          const noise = garbage(32 * 8, 1000 * clipIndex + round + 1);
          for (let run = 0; run < 8; run++) {
            const at = (noise.readUInt16LE(2 * run) * (run < 4 ? 1 : 97)) % (mutated.length - 32);
            noise.copy(mutated, at, 32 * run, 32 * run + 32);
          }
          const outcome = await decodeAudio(mutated).then(
            () => 'decoded',
            (error: unknown) => (isAudioError(error) ? error.code : `unexpected ${String(error)}`),
          );
          outcomes.add(outcome);
        }),
      ),
    );
    expect([...outcomes].filter((outcome) => outcome.startsWith('unexpected'))).toEqual([]);
    expect(await childToolPids()).toEqual([]);
  });
});

describe('limits', () => {
  it('rejects nonsensical overrides', async () => {
    await expect(decodeAudio(flacBytes, { limits: { maxDurationS: -1 } })).rejects.toThrow(RangeError);
    await expect(decodeAudio(flacBytes, { limits: { silencePeakDbfs: 3 } })).rejects.toThrow(RangeError);
  });
});
