import { mkdtemp, rm, stat, symlink, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { AudioError } from './errors.js';
import type { AudioLimits } from './limits.js';
import { classifyProbeFailure, MISSING_DECODER, parseInputDump, type InputDescription } from './probe.js';
import { runTool } from './run-tool.js';

/**
 * What decoding and encoding share: staging the input where ffmpeg may read it, the size and
 * duration errors, the wall-clock budget, and collecting ffmpeg's output with a cap.
 */

/** Either the audio's bytes (e.g. an upload) or a local file. */
export type AudioSource = Uint8Array | { path: string };

/** The input as ffmpeg will read it, and how to remove the private folder afterwards. */
export interface StagedInput {
  path: string;
  cleanup: () => Promise<void>;
}

/** The error for audio longer than `limits.maxDurationS`. */
export function tooLong(limits: AudioLimits, detail?: string): AudioError {
  const minutes = Math.round((limits.maxDurationS / 60) * 10) / 10;
  return new AudioError('TOO_LONG', `That audio is too long: I analyse at most ${minutes} minutes.`, detail === undefined ? {} : { detail });
}

/**
 * Throws CORRUPT when ffmpeg got less than `limits.minDecodedFraction` of the duration the input
 * states (a truncated or broken file); nothing when the input states none.
 * @param what `decoded` or `encoded`, for the detail
 */
export function checkAgainstStatedDuration(gotS: number, input: InputDescription, limits: AudioLimits, what: 'decoded' | 'encoded'): void {
  if (input.durationS !== undefined && gotS < input.durationS * limits.minDecodedFraction) {
    throw new AudioError('CORRUPT', undefined, { detail: `${what} ${gotS.toFixed(3)} s of a stated ${input.durationS.toFixed(3)} s` });
  }
}

function tooLarge(limits: AudioLimits, bytes: number): AudioError {
  const mib = Math.round((limits.maxInputBytes / 1024 / 1024) * 10) / 10;
  return new AudioError('TOO_LARGE', `That file is too large: the limit is ${mib} MiB.`, {
    detail: `${bytes} bytes > ${limits.maxInputBytes}`,
  });
}

/**
 * Checks the size before any process starts, then gives ffmpeg a private, extension-less path:
 * bytes are written to a file rather than piped (through a pipe ffmpeg cannot seek, so an mp4
 * whose index follows its data fails, an mp3 keeps its encoder padding and containers state no
 * duration), and a path is reached through a link without extension (ffmpeg lets a file's
 * extension sway its format probe: a text file named .mp3 would look like a damaged mp3). Bytes
 * and path therefore decode identically.
 */
export async function stageInput(source: AudioSource, limits: AudioLimits): Promise<StagedInput> {
  let target: string | undefined;
  if (source instanceof Uint8Array) {
    if (source.length === 0) throw new AudioError('NOT_AUDIO', undefined, { detail: 'empty input' });
    if (source.length > limits.maxInputBytes) throw tooLarge(limits, source.length);
  } else {
    target = resolve(source.path);
    const info = await stat(target);
    if (!info.isFile()) throw new AudioError('NOT_AUDIO', undefined, { detail: `${target} is not a regular file` });
    if (info.size === 0) throw new AudioError('NOT_AUDIO', undefined, { detail: 'empty file' });
    if (info.size > limits.maxInputBytes) throw tooLarge(limits, info.size);
  }
  const dir = await mkdtemp(join(tmpdir(), 'cratedigger-audio-'));
  const cleanup = (): Promise<void> => rm(dir, { recursive: true, force: true });
  const path = join(dir, 'input');
  try {
    if (target === undefined) await writeFile(path, source as Uint8Array, { mode: 0o600 });
    else await symlink(target, path);
    return { path, cleanup };
  } catch (error) {
    await cleanup();
    throw error;
  }
}

/**
 * Runs `work` on the staged input within `limits.decodeTimeoutMs` (combined with the caller's
 * signal), removing the staged input afterwards. A run that outlasts the budget is `TOO_LONG`:
 * inputs crafted to decode slowly are refused like endless ones.
 */
export async function withStagedInput<T>(
  source: AudioSource,
  limits: AudioLimits,
  callerSignal: AbortSignal | undefined,
  work: (path: string, signal: AbortSignal) => Promise<T>,
): Promise<T> {
  callerSignal?.throwIfAborted();
  const timeout = AbortSignal.timeout(limits.decodeTimeoutMs);
  const signal = callerSignal ? AbortSignal.any([callerSignal, timeout]) : timeout;
  let staged: StagedInput | undefined;
  try {
    staged = await stageInput(source, limits);
    return await work(staged.path, signal);
  } catch (error) {
    if (timeout.aborted && !callerSignal?.aborted) {
      throw new AudioError('TOO_LONG', 'That audio took too long to decode.', {
        detail: `ffmpeg exceeded ${limits.decodeTimeoutMs} ms`,
        cause: error,
      });
    }
    throw error;
  } finally {
    await staged?.cleanup();
  }
}

// ffmpeg's dump of its input comes first; a huge tag block may push it past this, and then the
// duration is simply not known early (the caller's caps on output still hold).
const MAX_INPUT_DUMP_CHARS = 64 * 1024;

/** What an ffmpeg run that described its input gives back. */
export interface DescribedRun {
  /** ffmpeg's own description of its input (container, codec, stated duration). */
  input: InputDescription;
  /** The last few KiB of ffmpeg's stderr. */
  stderr: string;
}

/**
 * Runs ffmpeg (whose `args` must log at `-v info`, where it describes its input on stderr as it
 * starts) and reads that description as it arrives: an input stating a duration over
 * `limits.maxDurationS` is stopped before it is decoded. One process per pass rather than
 * ffprobe beside ffmpeg: each start of these binaries costs 60-80 ms of CPU.
 * `onStdout` may stop it too, as {@link runTool}'s.
 * @throws AudioError TOO_LONG when stopped; else as {@link classifyFfmpegFailure} when ffmpeg
 *   fails, CORRUPT when it ran without describing its input.
 */
export async function runDescribedFfmpeg(
  ffmpegPath: string,
  args: readonly string[],
  limits: AudioLimits,
  signal: AbortSignal,
  onStdout: (chunk: Buffer) => boolean = () => true,
): Promise<DescribedRun> {
  let dump = '';
  let stated: number | undefined;
  const result = await runTool(ffmpegPath, args, {
    signal,
    onStdout,
    onStderr: (text) => {
      if (dump.length >= MAX_INPUT_DUMP_CHARS) return true;
      dump = (dump + text).slice(0, MAX_INPUT_DUMP_CHARS);
      stated ??= parseInputDump(dump)?.durationS;
      return stated === undefined || stated <= limits.maxDurationS;
    },
  });
  if (result.stopped) {
    throw tooLong(limits, stated !== undefined && stated > limits.maxDurationS ? `the container states ${stated.toFixed(1)} s` : undefined);
  }
  const input = parseInputDump(dump);
  if (result.exitCode !== 0) throw classifyFfmpegFailure(input, `${dump}\n${result.stderr}`);
  if (input === undefined) throw new AudioError('CORRUPT', undefined, { detail: 'ffmpeg did not describe its input' });
  return { input, stderr: result.stderr };
}

/**
 * Why ffmpeg failed: an opened input without sound is NOT_AUDIO, an opened audio input that then
 * failed is CORRUPT (or UNSUPPORTED without a decoder); an input that never opened is judged by
 * ffmpeg's complaints, as a probe's would be ({@link classifyProbeFailure}).
 */
export function classifyFfmpegFailure(input: InputDescription | undefined, stderr: string): AudioError {
  if (input === undefined) return classifyProbeFailure(stderr);
  if (!input.hasAudio) return new AudioError('NOT_AUDIO', undefined, { detail: `no audio stream in ${input.formatName}` });
  return new AudioError(MISSING_DECODER.test(stderr) ? 'UNSUPPORTED' : 'CORRUPT', undefined, { detail: stderr.trim().slice(-2000) });
}

/**
 * Runs ffmpeg as {@link runDescribedFfmpeg} and collects its stdout. Output past `maxBytes` kills
 * it and is `TOO_LONG` (an endless or lying stream cannot fill memory).
 */
export async function collectFfmpegOutput(
  ffmpegPath: string,
  args: readonly string[],
  maxBytes: number,
  limits: AudioLimits,
  signal: AbortSignal,
): Promise<DescribedRun & { chunks: Buffer[]; totalBytes: number }> {
  const chunks: Buffer[] = [];
  let totalBytes = 0;
  const run = await runDescribedFfmpeg(ffmpegPath, args, limits, signal, (chunk) => {
    totalBytes += chunk.length;
    if (totalBytes > maxBytes) return false;
    chunks.push(chunk);
    return true;
  });
  return { ...run, chunks, totalBytes };
}
