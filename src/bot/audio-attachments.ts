import type { Attachment, Collection } from 'discord.js';

const AUDIO_EXTENSIONS = new Set(['mp3', 'ogg', 'oga', 'opus', 'flac', 'wav', 'm4a', 'aac', 'webm', 'mka', 'wma', 'aiff', 'aif', 'wv', 'ape', 'caf', 'mp4']);

/** A file a member shared, as the classify flow needs it. */
export interface AudioUpload {
  url: string;
  fileName: string;
  /** Bytes, as Discord reports it. */
  size: number;
  contentType?: string;
}

function extension(name: string): string {
  const dot = name.lastIndexOf('.');
  return dot < 0 ? '' : name.slice(dot + 1).toLowerCase();
}

/**
 * True when an attachment looks like audio: an audio/* content type, or a known audio extension
 * when the type is missing or generic. The worker still checks the bytes.
 */
export function looksLikeAudio(upload: Pick<AudioUpload, 'fileName' | 'contentType'>): boolean {
  const type = (upload.contentType ?? '').split(';')[0]?.trim().toLowerCase() ?? '';
  if (type.startsWith('audio/')) return true;
  if (type !== '' && type !== 'application/octet-stream' && type !== 'video/webm' && type !== 'video/mp4' && type !== 'video/ogg') return false;
  return AUDIO_EXTENSIONS.has(extension(upload.fileName));
}

/** The upload for a discord.js attachment. */
export function toUpload(attachment: Attachment): AudioUpload {
  return {
    url: attachment.url,
    fileName: attachment.name.slice(0, 256) || 'audio',
    size: attachment.size,
    ...(attachment.contentType !== null && { contentType: attachment.contentType }),
  };
}

/** The audio attachments of a message, in order. */
export function audioAttachments(attachments: Collection<string, Attachment>): AudioUpload[] {
  return [...attachments.values()].map(toUpload).filter(looksLikeAudio);
}

/** The title to show when a file has no tags: its name without the extension. */
export function titleFromFileName(fileName: string): string {
  const dot = fileName.lastIndexOf('.');
  const base = dot > 0 ? fileName.slice(0, dot) : fileName;
  return (base.trim() || fileName).slice(0, 256);
}
