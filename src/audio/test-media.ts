/**
 * Test-only helpers for the audio tests: media made on the fly with ffmpeg from real GTZAN
 * clips (never copied into the repo), a WAV reader, and a correlation measure.
 */
import { execFile } from 'node:child_process';
import { createWriteStream } from 'node:fs';
import { mkdtemp, readFile, readdir, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { pipeline } from 'node:stream/promises';
import { promisify } from 'node:util';
import { GTZAN_DIR, PARITY_DIR } from '../../test/gtzan.js';
import { encodeOpusCopy } from './encode.js';
import { openPlaybackStream, type PlaybackPlan } from './playback-stream.js';

const execFileAsync = promisify(execFile);

/** A real 30 s GTZAN clip (FLAC, 22 050 Hz, mono). */
export const REAL_FLAC = resolve(GTZAN_DIR, 'audio/full/blues/blues.00010.flac');
/** A real parity clip (16-bit PCM WAV, 22 050 Hz, mono). */
export const PARITY_WAV = resolve(PARITY_DIR, 'blues.00000.wav');

/** A scratch folder under os.tmpdir(), removed by `dispose()`. */
export async function scratchDir(): Promise<{ dir: string; dispose: () => Promise<void> }> {
  const dir = await mkdtemp(join(tmpdir(), 'cratedigger-audio-test-'));
  return { dir, dispose: () => rm(dir, { recursive: true, force: true }) };
}

/** {@link REAL_FLAC} stored as the library stores it (encodeOpusCopy), and the same 12 dB quieter, in `dir`. */
export async function storedCopies(dir: string): Promise<{ loud: string; quiet: string }> {
  const loud = join(dir, 'loud.ogg');
  const quiet = join(dir, 'quiet.ogg');
  await writeFile(loud, await encodeOpusCopy({ path: REAL_FLAC }));
  await writeFile(quiet, await encodeOpusCopy({ path: REAL_FLAC }, { gainDb: -12 }));
  return { loud, quiet };
}

/** Writes what openPlaybackStream gives for the copy at `path` with `plan` to `outPath`; throws what it reported. */
export async function savePlayback(path: string, plan: PlaybackPlan, outPath: string): Promise<string> {
  const errors: Error[] = [];
  const opened = openPlaybackStream(path, plan, (e) => errors.push(e));
  await pipeline(opened.stream, createWriteStream(outPath));
  opened.close();
  if (errors[0]) throw errors[0];
  return outPath;
}

/** Runs `ffmpeg -y -v error <args>` and returns `outPath`. */
export async function ffmpegMake(args: readonly string[], outPath: string): Promise<string> {
  await execFileAsync('ffmpeg', ['-nostdin', '-v', 'error', '-y', ...args, outPath]);
  return outPath;
}

/**
 * ffmpeg's dump of the file at `path` (`ffmpeg -i` without an output prints it, then fails),
 * e.g. to read a copy's stream line: "  Stream #0:0: Audio: opus, 48000 Hz, mono, fltp".
 */
export async function ffmpegInputDump(path: string): Promise<string> {
  const run = execFileAsync('ffmpeg', ['-nostdin', '-hide_banner', '-i', path]);
  const failed = await run.then(
    () => undefined,
    (error: unknown) => error as { stderr?: string },
  );
  return failed?.stderr ?? '';
}

/** The samples of a 16-bit PCM WAV, parsed by hand (RIFF chunks, no ffmpeg). */
export async function readWavInt16(path: string): Promise<{ samples: Int16Array; sampleRateHz: number; channels: number }> {
  const bytes = await readFile(path);
  if (bytes.toString('latin1', 0, 4) !== 'RIFF' || bytes.toString('latin1', 8, 12) !== 'WAVE') throw new Error('not a WAV');
  let offset = 12;
  let format: { channels: number; sampleRateHz: number; bits: number } | undefined;
  while (offset + 8 <= bytes.length) {
    const id = bytes.toString('latin1', offset, offset + 4);
    const size = bytes.readUInt32LE(offset + 4);
    const body = offset + 8;
    if (id === 'fmt ') {
      format = { channels: bytes.readUInt16LE(body + 2), sampleRateHz: bytes.readUInt32LE(body + 4), bits: bytes.readUInt16LE(body + 14) };
    } else if (id === 'data') {
      if (format?.bits !== 16) throw new Error('expected 16-bit PCM');
      const count = Math.floor(Math.min(size, bytes.length - body) / 2);
      const samples = new Int16Array(count);
      for (let i = 0; i < count; i++) samples[i] = bytes.readInt16LE(body + 2 * i);
      return { samples, sampleRateHz: format.sampleRateHz, channels: format.channels };
    }
    offset = body + size + (size % 2);
  }
  throw new Error('no data chunk');
}

/**
 * The best Pearson correlation of `a` against `b` over lags in [-maxLag, maxLag] samples,
 * on `b`'s first `length` samples (lossy codecs may shift the signal by a few samples).
 */
export function bestCorrelation(a: Float32Array, b: Float32Array, maxLag: number, length: number): { r: number; lag: number } {
  let best = { r: -Infinity, lag: 0 };
  for (let lag = -maxLag; lag <= maxLag; lag++) {
    let sa = 0, sb = 0, saa = 0, sbb = 0, sab = 0, n = 0;
    for (let i = maxLag; i < length - maxLag; i++) {
      const x = a[i + lag];
      const y = b[i];
      if (x === undefined || y === undefined) break;
      sa += x; sb += y; saa += x * x; sbb += y * y; sab += x * y; n++;
    }
    const r = (n * sab - sa * sb) / Math.sqrt((n * saa - sa * sa) * (n * sbb - sb * sb));
    if (r > best.r) best = { r, lag };
  }
  return best;
}

/** Pids of this process's ffmpeg/ffprobe children, zombies included (Linux /proc). */
export async function childToolPids(): Promise<number[]> {
  const pids: number[] = [];
  for (const entry of await readdir('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    const stat = await readFile(`/proc/${entry}/stat`, 'utf8').catch(() => '');
    const match = /^\d+ \((.*)\) \S+ (\d+)/.exec(stat);
    if (match && Number(match[2]) === process.pid && /^ff(mpeg|probe)$/.test(match[1] ?? '')) pids.push(Number(entry));
  }
  return pids;
}

/** Deterministic pseudo-random bytes (xorshift32), so that a failure can be replayed. */
export function garbage(length: number, seed = 0x9e3779b9): Buffer {
  const bytes = Buffer.alloc(length);
  let state = seed >>> 0;
  for (let i = 0; i < length; i++) {
    state ^= state << 13;
    state >>>= 0;
    state ^= state >>> 17;
    state ^= state << 5;
    state >>>= 0;
    bytes[i] = state & 0xff;
  }
  return bytes;
}
