import { parseBuffer, type IAudioMetadata } from 'music-metadata';
import type { Tags } from '../jobs/schemas.js';

/** Longest tag value kept, in UTF-16 code units (the `Tags` schema's bound). */
export const MAX_TAG_LENGTH = 256;
/** Tags are a nicety: a parse that takes longer than this (ms) gives none. */
export const TAG_PARSE_TIMEOUT_MS = 5000;

// C0 and C1 controls and DEL (newlines and tabs included: a tag is one line), line and paragraph
// separators, and the bidirectional overrides and isolates that could reorder what Discord shows.
// Zero-width joiners stay: emoji sequences need them.
const UNSAFE = /[\p{Cc}\u2028\u2029\u202a-\u202e\u2066-\u2069\ufeff]+/gu;

/**
 * Reads title, artist and album from the file's tags (ID3v1/v2, Vorbis comments, FLAC, MP4
 * atoms, APE, ASF...) with music-metadata, from memory only (no file system, no network).
 * Values are NFC-normalised, control and bidi-override characters become spaces, runs of white
 * space collapse, and each is trimmed and capped at {@link MAX_TAG_LENGTH}; empty values are
 * left out. Markdown and mentions are kept as they are: whoever renders them escapes them.
 *
 * @param fileName The upload's name: a hint for the format when the bytes alone are ambiguous.
 * @returns the tags found; `{}` for garbage, a file without tags or a parse that fails or stalls.
 *   Never throws.
 */
export async function readTags(bytes: Uint8Array, fileName?: string): Promise<Tags> {
  let timer: NodeJS.Timeout | undefined;
  try {
    const parsing = parseTagsOf(bytes, fileName);
    parsing.catch(() => undefined);
    const stalled = new Promise<undefined>((resolve) => {
      timer = setTimeout(() => resolve(undefined), TAG_PARSE_TIMEOUT_MS);
    });
    const metadata = await Promise.race([parsing, stalled]);
    if (metadata === undefined) return {};
    const { common } = metadata;
    const artist = cleanTag(common.artist) ?? cleanTag(Array.isArray(common.artists) ? common.artists.join(', ') : undefined);
    return withoutEmpty({ title: cleanTag(common.title), artist, album: cleanTag(common.album) });
  } catch {
    return {};
  } finally {
    clearTimeout(timer);
  }
}

/**
 * music-metadata picks its parser by a file name's extension before looking at the bytes, so a
 * wrong name (an mp3 called .wav) would hide the tags: the bytes decide first, and the name is
 * tried only when they identify no format.
 */
async function parseTagsOf(bytes: Uint8Array, fileName: string | undefined): Promise<IAudioMetadata> {
  const options = { skipCovers: true, duration: false };
  try {
    return await parseBuffer(bytes, { size: bytes.length }, options);
  } catch (error) {
    if (fileName === undefined) throw error;
    return parseBuffer(bytes, { size: bytes.length, path: fileName }, options);
  }
}

/** One tag value made safe to keep: see {@link readTags}. Undefined when nothing is left. */
export function cleanTag(value: unknown): string | undefined {
  if (typeof value !== 'string') return undefined;
  const text = value.normalize('NFC').replace(UNSAFE, ' ').replace(/\s+/gu, ' ').trim();
  if (text === '') return undefined;
  if (text.length <= MAX_TAG_LENGTH) return text;
  let cut = text.slice(0, MAX_TAG_LENGTH);
  // Never keep half of a surrogate pair.
  if (/[\ud800-\udbff]$/.test(cut)) cut = cut.slice(0, -1);
  return cut.trimEnd();
}

function withoutEmpty(tags: { title: string | undefined; artist: string | undefined; album: string | undefined }): Tags {
  const result: Tags = {};
  if (tags.title !== undefined) result.title = tags.title;
  if (tags.artist !== undefined) result.artist = tags.artist;
  if (tags.album !== undefined) result.album = tags.album;
  return result;
}
