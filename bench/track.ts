import { execFile } from 'node:child_process';
import { existsSync, mkdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { promisify } from 'node:util';

const run = promisify(execFile);

/** The shared GTZAN folder (never copied into the repo); `GTZAN_DIR` overrides it. */
export const GTZAN_DIR = process.env.GTZAN_DIR ?? resolve(import.meta.dirname, '../../shared/data/gtzan');

/** Six real 30 s GTZAN clips of different genres, joined into one 3-minute track. */
const CLIPS = [
  'audio/full/blues/blues.00010.flac',
  'audio/full/jazz/jazz.00010.flac',
  'audio/full/country/country.00010.flac',
  'audio/full/pop/pop.00017.flac',
  'audio/full/reggae/reggae.00012.flac',
  'audio/full/blues/blues.00011.flac',
];

/**
 * A real 3-minute track as a 192 kbit/s MP3 (the format members post most), made once with ffmpeg
 * in the temp folder from GTZAN clips. Returns its path.
 */
export async function threeMinuteMp3(): Promise<string> {
  const dir = join(tmpdir(), 'cratedigger-bench');
  const out = join(dir, 'three-minutes.mp3');
  if (existsSync(out)) return out;
  mkdirSync(dir, { recursive: true });
  const inputs = CLIPS.flatMap((clip) => ['-i', join(GTZAN_DIR, clip)]);
  const filter = `${CLIPS.map((_, i) => `[${i}:a]`).join('')}concat=n=${CLIPS.length}:v=0:a=1[a]`;
  await run('ffmpeg', ['-v', 'error', '-y', ...inputs, '-filter_complex', filter, '-map', '[a]', '-ar', '44100', '-ac', '2', '-b:a', '192k', out]);
  return out;
}
