import { execFile } from 'node:child_process';
import { copyFileSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { promisify } from 'node:util';
import { decode } from 'fast-png';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { PARITY_DIR } from './gtzan.js';

const run = promisify(execFile);
const BIN = resolve(import.meta.dirname, '../bin/cratedigger.mjs');
// Each test starts the CLI (tsx, tfjs wasm) and analyses real audio: allow for a busy machine.
vi.setConfig({ testTimeout: 180_000 });
const GENRES = ['blues', 'classical', 'country', 'disco', 'hiphop', 'jazz', 'metal', 'pop', 'reggae', 'rock'];

/** Runs the package bin the way `npx cratedigger` does, returning its exit code and output. */
async function cratedigger(args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  try {
    const { stdout, stderr } = await run(process.execPath, [BIN, ...args], { maxBuffer: 16 << 20 });
    return { code: 0, stdout, stderr };
  } catch (error) {
    const e = error as { code: number; stdout: string; stderr: string };
    return { code: e.code, stdout: e.stdout, stderr: e.stderr };
  }
}

let dir: string;
beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'cratedigger-cli-'));
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('cratedigger classify --json', () => {
  it('classifies real clips, reports a bad file, and still answers for the rest', async () => {
    const notAudio = join(dir, 'notes.mp3');
    writeFileSync(notAudio, 'these are my liner notes, not audio\n'.repeat(50));
    const clips = ['metal.00000.wav', 'classical.00001.wav'].map((name) => join(PARITY_DIR, name));
    const { code, stdout, stderr } = await cratedigger(['classify', '--json', clips[0]!, notAudio, clips[1]!]);

    expect(code).not.toBe(0);
    expect(stderr).toMatch(/backend/i);
    const records = stdout.trim().split('\n').map((line) => JSON.parse(line) as Record<string, unknown>);
    expect(records.map((r) => r.file)).toEqual([clips[0], notAudio, clips[1]]);

    const failed = records[1] as { error: { code: string; message: string } };
    expect(failed.error.code).toBe('NOT_AUDIO');
    expect(failed.error.message.length).toBeGreaterThan(5);

    for (const record of [records[0], records[2]]) {
      const r = record as { durationS: number; genres: { genre: string; probability: number }[]; segments: { startS: number; endS: number; genres: unknown[] }[] };
      expect(r.durationS).toBeCloseTo(30, 0);
      expect(r.genres.map((g) => g.genre).sort()).toEqual(GENRES);
      const probabilities = r.genres.map((g) => g.probability);
      expect(probabilities).toEqual([...probabilities].sort((a, b) => b - a));
      expect(probabilities.reduce((a, b) => a + b, 0)).toBeCloseTo(1, 4);
      expect(r.segments).toHaveLength(1);
      expect(r.segments[0]).toMatchObject({ startS: 0 });
      expect(r.segments[0]!.endS).toBeCloseTo(r.durationS, 2);
    }
    // Two clearly different genres: the model must not give both the same answer.
    const top = (r: Record<string, unknown>): string => (r.genres as { genre: string }[])[0]!.genre;
    expect(top(records[0]!)).toBe('metal');
    expect(top(records[2]!)).toBe('classical');
  });

  it('gives a long track one segment per ~30 s window', async () => {
    const long = join(dir, 'long.ogg');
    const parts = ['blues.00000.wav', 'blues.00001.wav', 'jazz.00000.wav'].map((n) => join(PARITY_DIR, n));
    await run('ffmpeg', ['-v', 'error', '-y', ...parts.flatMap((p) => ['-i', p]), '-filter_complex', 'concat=n=3:v=0:a=1', '-c:a', 'libvorbis', long]);
    const { code, stdout } = await cratedigger(['classify', '--json', long]);
    expect(code).toBe(0);
    const record = JSON.parse(stdout) as { durationS: number; segments: { startS: number; endS: number }[] };
    expect(record.durationS).toBeCloseTo(90, 0);
    expect(record.segments).toHaveLength(3);
    record.segments.forEach((segment, i) => {
      expect(segment.startS).toBeCloseTo(i * 30, 0);
      expect(segment.endS - segment.startS).toBeCloseTo(30, 0);
    });
  });
});

describe('cratedigger classify (for people)', () => {
  it('prints the top genres with bars, tempo and duration', async () => {
    const { code, stdout } = await cratedigger(['classify', join(PARITY_DIR, 'reggae.00000.wav')]);
    expect(code).toBe(0);
    expect(stdout).toMatch(/reggae\.00000\.wav {2}\(0:30, \d+ BPM\)/);
    expect(stdout.match(/%\s+█/g)?.length).toBe(3);
  });
});

describe('cratedigger spectrogram', () => {
  it('writes a PNG image', async () => {
    const out = join(dir, 'spectrogram.png');
    const { code } = await cratedigger(['spectrogram', join(PARITY_DIR, 'disco.00000.wav'), '-o', out]);
    expect(code).toBe(0);
    const image = decode(readFileSync(out));
    expect(image.width).toBeGreaterThan(200);
    expect(image.height).toBeGreaterThan(100);
  });
});

describe('cratedigger similar', () => {
  it('ranks the library by similarity and leaves out the query itself', async () => {
    // A small library in the temp folder (never in the repo): the query itself, two more metal
    // clips and three clearly different ones.
    const library = join(dir, 'library');
    mkdirSync(library);
    const names = ['metal.00000.wav', 'metal.00001.wav', 'metal.00002.wav', 'classical.00000.wav', 'jazz.00001.wav', 'hiphop.00002.wav'];
    for (const name of names) copyFileSync(join(PARITY_DIR, name), join(library, name));
    const query = join(library, 'metal.00000.wav');
    const { code, stdout } = await cratedigger(['similar', query, '--library', library, '-k', '3', '--json']);
    expect(code).toBe(0);
    const rows = stdout.trim().split('\n').map((line) => JSON.parse(line) as { file: string; similarity: number; genre: string });
    expect(rows).toHaveLength(3);
    expect(rows.map((r) => r.file)).not.toContain(query);
    const scores = rows.map((r) => r.similarity);
    expect(scores).toEqual([...scores].sort((a, b) => b - a));
    expect(rows[0]!.file).toMatch(/metal\.0000[12]\.wav$/);
  });
});
