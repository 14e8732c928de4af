import { AudioError } from './errors.js';
import { allowedDemuxer, FORMAT_WHITELIST, refusedDemuxerIsNotAudio } from './formats.js';
import { runTool } from './run-tool.js';

/** What ffprobe says about an input's first audio stream. */
export interface ProbeResult {
  /** The allowed demuxer that read it (e.g. "mov", "ogg"). */
  demuxer: string;
  /** ffprobe's format name, aliases included (e.g. "mov,mp4,m4a,3gp,3g2,mj2"). */
  formatName: string;
  codec: string | undefined;
  channels: number | undefined;
  /** Stated duration in seconds, when the container states one (it may lie). */
  durationS: number | undefined;
}

const MAX_PROBE_OUTPUT_BYTES = 256 * 1024;

/**
 * The input arguments shared by ffprobe and ffmpeg for the absolute `path`: only local files
 * may be opened (no network, pipe, concat, data or subfile protocols), only through an allowed
 * audio demuxer (checked right after format detection, before the demuxer reads any header),
 * and the `file:` prefix keeps a path from being read as another protocol or as an option.
 */
export function lockedInputArgs(path: string): string[] {
  return ['-protocol_whitelist', 'file', '-format_whitelist', FORMAT_WHITELIST, '-i', `file:${path}`];
}

interface FfprobeJson {
  format?: { format_name?: string; duration?: string };
  streams?: { codec_type?: string; codec_name?: string; channels?: number; duration?: string }[];
}

/**
 * Identifies the container and first audio stream with ffprobe, under the same lock-down as
 * decoding.
 * @throws AudioError NOT_AUDIO, UNSUPPORTED or CORRUPT when the input cannot be decoded.
 */
export async function probeInput(ffprobePath: string, path: string, signal: AbortSignal): Promise<ProbeResult> {
  const args = [
    '-hide_banner', '-v', 'error',
    '-show_entries', 'format=format_name,duration:stream=codec_type,codec_name,channels,duration',
    '-of', 'json',
    ...lockedInputArgs(path),
  ];
  const chunks: Buffer[] = [];
  let outputBytes = 0;
  const result = await runTool(ffprobePath, args, {
    signal,
    onStdout: (chunk) => {
      chunks.push(chunk);
      outputBytes += chunk.length;
      return outputBytes <= MAX_PROBE_OUTPUT_BYTES;
    },
  });
  if (result.exitCode !== 0 || result.stopped) throw classifyProbeFailure(result.stderr);

  let parsed: FfprobeJson;
  try {
    parsed = JSON.parse(Buffer.concat(chunks).toString('utf8')) as FfprobeJson;
  } catch (cause) {
    throw new AudioError('CORRUPT', undefined, { detail: 'ffprobe printed invalid JSON', cause });
  }
  const formatName = parsed.format?.format_name ?? '';
  const demuxer = allowedDemuxer(formatName);
  if (demuxer === undefined) {
    throw new AudioError('UNSUPPORTED', undefined, { detail: `ffprobe chose demuxer ${formatName}` });
  }
  const audio = parsed.streams?.find((stream) => stream.codec_type === 'audio');
  if (!audio) throw new AudioError('NOT_AUDIO', undefined, { detail: `no audio stream in ${formatName}` });
  return {
    demuxer,
    formatName,
    codec: audio.codec_name,
    channels: audio.channels,
    durationS: finiteSeconds(parsed.format?.duration) ?? finiteSeconds(audio.duration),
  };
}

function finiteSeconds(text: string | undefined): number | undefined {
  const seconds = Number(text);
  return text !== undefined && Number.isFinite(seconds) && seconds >= 0 ? seconds : undefined;
}

/**
 * Maps ffprobe's complaints to an error code. ffmpeg prefixes demuxer messages with
 * `[demuxer @ 0x...]`, which tells a refused playlist from an image and a broken file in an
 * audio container from bytes no demuxer recognised.
 */
export function classifyProbeFailure(stderr: string): AudioError {
  const detail = stderr.trim().slice(-2000);
  const refused = /\[([\w,]+) @ 0x[0-9a-f]+\] Format not on whitelist/.exec(stderr);
  if (refused?.[1] !== undefined) {
    return new AudioError(refusedDemuxerIsNotAudio(refused[1]) ? 'NOT_AUDIO' : 'UNSUPPORTED', undefined, { detail });
  }
  const demuxers = [...stderr.matchAll(/\[([\w,]+) @ 0x[0-9a-f]+\]/g)].map((match) => match[1] ?? '');
  if (demuxers.some((name) => allowedDemuxer(name) !== undefined)) {
    return new AudioError('CORRUPT', undefined, { detail });
  }
  if (/decoder .*not found|unsupported codec|not implemented/i.test(stderr)) {
    return new AudioError('UNSUPPORTED', undefined, { detail });
  }
  return new AudioError('NOT_AUDIO', undefined, { detail });
}
