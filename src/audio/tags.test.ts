import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { cleanTag, MAX_TAG_LENGTH, readTags } from './tags.js';
import { ffmpegMake, REAL_FLAC, scratchDir } from './test-media.js';

let scratch: Awaited<ReturnType<typeof scratchDir>>;
beforeAll(async () => {
  scratch = await scratchDir();
});
afterAll(() => scratch.dispose());

let counter = 0;
/** 2 s of the real clip in `format`, tagged with `metadata` by ffmpeg. */
async function tagged(extension: string, codecArgs: readonly string[], metadata: Record<string, string>): Promise<Buffer> {
  const tags = Object.entries(metadata).flatMap(([key, value]) => ['-metadata', `${key}=${value}`]);
  const path = await ffmpegMake(['-i', REAL_FLAC, '-t', '2', '-map_metadata', '-1', ...tags, ...codecArgs], join(scratch.dir, `t${counter++}.${extension}`));
  return readFile(path);
}

const FORMATS = [
  { name: 'mp3 (ID3v2)', extension: 'mp3', args: ['-c:a', 'libmp3lame'] },
  { name: 'ogg/vorbis', extension: 'ogg', args: ['-c:a', 'libvorbis'] },
  { name: 'opus', extension: 'opus', args: ['-c:a', 'libopus', '-ar', '48000'] },
  { name: 'flac', extension: 'flac', args: ['-c:a', 'flac'] },
  { name: 'm4a', extension: 'm4a', args: ['-c:a', 'aac'] },
] as const;

describe.each(FORMATS)('readTags of $name', ({ extension, args }) => {
  it('reads title, artist and album', async () => {
    const bytes = await tagged(extension, args, { title: 'Crossroad Blues', artist: 'Robert Johnson', album: 'King of the Delta' });
    expect(await readTags(bytes, `upload.${extension}`)).toEqual({ title: 'Crossroad Blues', artist: 'Robert Johnson', album: 'King of the Delta' });
    // The name is only a hint: the bytes decide, even under a wrong or missing name.
    expect(await readTags(bytes)).toEqual(await readTags(bytes, 'misleading.wav'));
  });

  it('gives {} for a file without tags', async () => {
    expect(await readTags(await tagged(extension, args, {}), `plain.${extension}`)).toEqual({});
  });
});

describe('readTags of an mp3 with only an ID3v1 tag', () => {
  it('reads the fixed 30-byte fields', async () => {
    const mp3 = await tagged('mp3', ['-c:a', 'libmp3lame', '-id3v2_version', '0'], {});
    const field = (text: string, length: number): Buffer => Buffer.concat([Buffer.from(text, 'latin1'), Buffer.alloc(length)]).subarray(0, length);
    const id3v1 = Buffer.concat([Buffer.from('TAG'), field('Crossroad Blues', 30), field('Robert Johnson', 30), field('King of the Delta', 30), field('1936', 4), field('', 30), Buffer.from([0])]);
    expect(id3v1).toHaveLength(128);
    expect(await readTags(Buffer.concat([mp3, id3v1]), 'old.mp3')).toEqual({ title: 'Crossroad Blues', artist: 'Robert Johnson', album: 'King of the Delta' });
  });
});

describe('readTags with hostile values', () => {
  it('keeps accents and emoji, keeps markdown and mentions as text, and flattens lines', async () => {
    const bytes = await tagged('flac', ['-c:a', 'flac'], {
      title: 'Déjà vu 🎵 **bold** `code` [link](https://evil.example)',
      artist: '@everyone\n@here\r\nline two\ttabbed',
      album: '  \u202eevil\u202c \u0007bell\u001b[31m  ',
    });
    expect(await readTags(bytes, 'x.flac')).toEqual({
      title: 'Déjà vu 🎵 **bold** `code` [link](https://evil.example)',
      artist: '@everyone @here line two tabbed',
      album: 'evil bell [31m',
    });
  });

  it('caps very long values at 256 code units in every format', async () => {
    const long = 'x'.repeat(5000);
    for (const { extension, args } of FORMATS.filter((format) => !format.name.includes('ID3v1'))) {
      const tags = await readTags(await tagged(extension, args, { title: long, artist: `${'é'.repeat(300)}` }), `long.${extension}`);
      expect(tags.title, extension).toBe('x'.repeat(MAX_TAG_LENGTH));
      expect(tags.artist, extension).toBe('é'.repeat(MAX_TAG_LENGTH));
    }
  });

  it('leaves out values that are only white space or control characters', async () => {
    const bytes = await tagged('ogg', ['-c:a', 'libvorbis'], { title: ' \t ', artist: '\u0001\u0002', album: 'Real' });
    expect(await readTags(bytes)).toEqual({ album: 'Real' });
  });
});

describe('readTags of garbage', () => {
  it('gives {} and never throws', async () => {
    const random = Buffer.alloc(100_000);
    for (let i = 0; i < random.length; i++) random[i] = (i * 2654435761) >>> 24;
    // An ID3v2 header that claims a huge tag, then nothing.
    const liarId3 = Buffer.from([0x49, 0x44, 0x33, 4, 0, 0, 0x7f, 0x7f, 0x7f, 0x7f, 0x54, 0x49, 0x54, 0x32]);
    const flac = await readFile(REAL_FLAC);
    for (const bytes of [new Uint8Array(0), random, Buffer.from('not audio at all\n'.repeat(100)), liarId3, flac.subarray(0, 10)]) {
      await expect(readTags(bytes, 'song.mp3')).resolves.toEqual({});
    }
  });
});

describe('cleanTag', () => {
  it('never splits a surrogate pair at the cap', () => {
    const value = `${'a'.repeat(MAX_TAG_LENGTH - 1)}🎵🎵`;
    expect(cleanTag(value)).toBe('a'.repeat(MAX_TAG_LENGTH - 1));
    expect(cleanTag(42)).toBeUndefined();
    expect(cleanTag('e\u0301')).toBe('é'); // NFC
  });
});
