import { AudioError } from './errors.js';
import { allowedDemuxer, FORMAT_WHITELIST, refusedDemuxerIsNotAudio } from './formats.js';

/** What ffmpeg prints when it lacks a decoder for the input's codec. */
export const MISSING_DECODER = /decoder .*not found|unsupported codec|not implemented/i;

/**
 * The input arguments of every ffmpeg run on the untrusted input at the absolute `path`: only
 * local files may be opened (no network, pipe, concat, data or subfile protocols), only through an allowed
 * audio demuxer (checked right after format detection, before the demuxer reads any header),
 * and the `file:` prefix keeps a path from being read as another protocol or as an option.
 */
export function lockedInputArgs(path: string): string[] {
  return ['-protocol_whitelist', 'file', '-format_whitelist', FORMAT_WHITELIST, '-i', `file:${path}`];
}

/** What ffmpeg's dump of its input says (printed on stderr at `-v info`, before it decodes). */
export interface InputDescription {
  /** The demuxer's format name, aliases included (e.g. "mov,mp4,m4a,3gp,3g2,mj2"). */
  formatName: string;
  /** Codec of the first audio stream, e.g. "mp3", "vorbis", "pcm_s16le". */
  codec: string | undefined;
  /** Whether the input has an audio stream at all. */
  hasAudio: boolean;
  /** Stated duration in seconds, when the container states one (it may lie). */
  durationS: number | undefined;
}

const INPUT_LINE = /^Input #0, (.+?), from '/;
// Exactly two spaces: the input's own lines. Metadata values, even multi-line ones, are indented
// further; a tag *key* with a line break could still fake a line, but only in the uploader's own
// file's description, and the genuine duration line, printed after the container's tags, wins.
const DURATION_LINE = /^ {2}Duration: (\d+):(\d{2}):(\d{2}(?:\.\d+)?)/;
const AUDIO_STREAM_LINE = /^ {2}Stream #0:\d+\S*: Audio: ([\w-]+)/;

/**
 * Reads ffmpeg's dump of input #0 from its stderr: the `Input #0, <format>, from '...'` line and
 * the indented lines that follow it, up to the first unindented one (the output's section).
 * Only complete lines count, so stderr read so far may be passed while ffmpeg runs.
 * @returns undefined until the input line has been printed (or when ffmpeg could not open it).
 */
export function parseInputDump(stderr: string): InputDescription | undefined {
  const lines = stderr.slice(0, stderr.lastIndexOf('\n') + 1).split('\n');
  const start = lines.findIndex((line) => INPUT_LINE.test(line));
  if (start < 0) return undefined;
  const description: InputDescription = {
    formatName: INPUT_LINE.exec(lines[start] ?? '')?.[1] ?? '',
    codec: undefined,
    hasAudio: false,
    durationS: undefined,
  };
  for (const line of lines.slice(start + 1)) {
    if (!line.startsWith(' ')) break;
    const duration = DURATION_LINE.exec(line);
    if (duration) description.durationS = Number(duration[1]) * 3600 + Number(duration[2]) * 60 + Number(duration[3]);
    const audio = AUDIO_STREAM_LINE.exec(line);
    if (audio && !description.hasAudio) {
      description.hasAudio = true;
      description.codec = audio[1];
    }
  }
  return description;
}

/**
 * Maps the complaints of ffmpeg that could not open its input to an error code. ffmpeg prefixes demuxer messages with
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
  if (MISSING_DECODER.test(stderr)) {
    return new AudioError('UNSUPPORTED', undefined, { detail });
  }
  return new AudioError('NOT_AUDIO', undefined, { detail });
}
