/**
 * Which ffmpeg demuxers may read untrusted input. Only demuxers that read the one input they
 * are given are listed: nothing that follows references to other files or URLs (hls, dash,
 * concat, image2, playlists, sdp, rtsp...), and no lavfi/device inputs.
 */
export const AUDIO_DEMUXERS: readonly string[] = [
  'aac', // ADTS
  'ac3',
  'aiff',
  'amr',
  'ape',
  'asf', // wma
  'au',
  'avi',
  'caf',
  'eac3',
  'flac',
  'flv',
  'matroska', // mka, mkv, webm
  'mov', // m4a, mp4, 3gp, mov
  'mp3',
  'mpegts',
  'ogg', // vorbis, opus, flac-in-ogg
  'tta',
  'w64',
  'wav',
  'wv',
];

/** The value for ffmpeg's `-format_whitelist`. */
export const FORMAT_WHITELIST = AUDIO_DEMUXERS.join(',');

/** The allowed demuxer that ffmpeg named in its input dump (the name may list aliases: "mov,mp4,m4a"). */
export function allowedDemuxer(formatName: string): string | undefined {
  return formatName.split(',').find((name) => AUDIO_DEMUXERS.includes(name));
}

// Demuxers ffmpeg picks for things that are clearly not sound: images, text, raw bytes.
const NOT_AUDIO_DEMUXER = /(_pipe$|^image2|^apng$|^gif$|^bin$|^tty$|^srt$|^webvtt$|^ass$|^subviewer|^sami$|^jacosub$|^microdvd$|^mpl2$|^pjs$|^realtext$|^stl$|^vplayer$|^lrc$|^txt$)/;

/**
 * Whether a demuxer refused by the allow-list means "this is not audio" (an image, text) rather
 * than "this is a format we do not accept" (a playlist, a concat list, an exotic container).
 */
export function refusedDemuxerIsNotAudio(formatName: string): boolean {
  return formatName.split(',').some((name) => NOT_AUDIO_DEMUXER.test(name));
}
