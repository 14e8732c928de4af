import type { Message } from 'discord.js';
import type { ClassifyJobResult } from '../jobs/schemas.js';
import { forgetSpectrogram, storedSpectrogram } from '../jobs/spectrograms.js';
import type { PendingRequest, StoredTrack } from '../store/types.js';
import type { AnswerTarget } from './answer.js';
import { titleFromFileName } from './audio-attachments.js';
import { copyLikelyFits, keepCopyLater } from './copy-flow.js';
import type { Deps } from './deps.js';
import { trackGenreView } from './server-genres.js';
import { VOTES, trackMessage } from './track-embed.js';

/** The library entry for a job's result, for the server and member of `request`. */
export function toStoredTrack(request: PendingRequest, result: ClassifyJobResult, audioBytes: number, now = new Date()): StoredTrack {
  const { tags, analysis } = result;
  return {
    id: result.hash,
    guildId: request.guildId,
    title: (tags.title?.trim() || titleFromFileName(request.fileName)).slice(0, 256),
    ...(tags.artist?.trim() && { artist: tags.artist.trim() }),
    ...(tags.album?.trim() && { album: tags.album.trim() }),
    fileName: request.fileName,
    uploaderId: request.userId,
    ...(request.messageUrl !== undefined && { messageUrl: request.messageUrl }),
    durationS: analysis.durationS,
    tempoBpm: analysis.tempoBpm,
    analysis,
    modelVersion: result.modelVersion,
    audioBytes,
    addedAt: now.toISOString(),
  };
}

/** Adds 👍 and 👎 to a track message and indexes it, so that reactions map to the track. */
async function publish(message: Message, track: StoredTrack, deps: Deps): Promise<void> {
  await deps.stores.trackMessages.put({ guildId: track.guildId, channelId: message.channelId, messageId: message.id, trackId: track.id });
  await message.react(VOTES.up);
  await message.react(VOTES.down);
}

/**
 * Shows a stored track on `target` (a repeat upload, or a request finished before a restart),
 * with its spectrogram when kept.
 */
export async function showStoredTrack(track: StoredTrack, target: AnswerTarget, deps: Deps, options: { channelId: string; note?: string }): Promise<void> {
  const [png, model] = await Promise.all([deps.stores.images.get(track.id), deps.stores.serverModels.model(track.guildId)]);
  const message = await target.final(trackMessage(track, png, options.note, trackGenreView(track, model)));
  if (message) await publish(message, track, deps);
}

/** A job's spectrogram PNG and where it was found. */
interface JobSpectrogram {
  png: Buffer | undefined;
  /** `result`: carried by a result of an older version; `kept`: the bot has it already; `redis`: the worker's blob; `gone`: none. */
  from: 'result' | 'kept' | 'redis' | 'gone';
}

/**
 * The spectrogram of a job's result: carried by a result of an older version, kept by the bot
 * already (another request for the same file took it first), or the blob the worker stored in
 * Redis. Gone when none of these has it (the bot was away longer than the blob's TTL): the answer
 * goes out without the picture, and the log says why.
 */
async function jobSpectrogram(request: PendingRequest, result: ClassifyJobResult, deps: Deps): Promise<JobSpectrogram> {
  if (result.spectrogramPngBase64 !== undefined) return { png: Buffer.from(result.spectrogramPngBase64, 'base64'), from: 'result' };
  const kept = await deps.stores.images.get(result.hash);
  if (kept) return { png: kept, from: 'kept' };
  const stored = await storedSpectrogram(deps.jobs.classify, result);
  if (stored) return { png: stored, from: 'redis' };
  // another request for the same file (an import) may have kept it and deleted the blob meanwhile
  const keptSince = await deps.stores.images.get(result.hash);
  if (keptSince) return { png: keptSince, from: 'kept' };
  deps.logger.warn({ guildId: request.guildId, hash: result.hash, pendingId: request.id }, 'the spectrogram is no longer in Redis: answering without it');
  return { png: undefined, from: 'gone' };
}

/**
 * Stores a job's result in the server's library (track, spectrogram: see {@link jobSpectrogram}),
 * shows it with the vote reactions, and deletes the pending request; then, in the background, the
 * playback copy (its own job) is stored within the server's quota when it is ready (the answer
 * says at once when the quota leaves no room). Safe to run again after a crash at any step: a track already stored
 * is shown as stored, and an expected copy is marked so a restart still stores it. Says whether
 * the track is new to the server.
 */
export async function finishRequest(request: PendingRequest, result: ClassifyJobResult, target: AnswerTarget, deps: Deps): Promise<'added' | 'known'> {
  let track = await deps.stores.tracks.get(request.guildId, result.hash);
  let note: string | undefined;
  let created = false;
  let copyWanted = false;
  const { png, from } = await jobSpectrogram(request, result, deps);
  // the blob's picture is kept by the bot from now on (for a known track too, should its copy be missing)
  if (png && (from === 'redis' || (from === 'result' && !track))) await deps.stores.images.put(result.hash, png);
  if (from === 'redis') await forgetSpectrogram(deps.jobs.classify, result.hash).catch((error: unknown) => deps.logger.warn({ err: error, hash: result.hash }, 'could not delete the stored spectrogram (its TTL will)'));
  if (!track) {
    copyWanted = await copyLikelyFits(request.guildId, result.analysis.durationS, deps);
    if (copyWanted) await deps.stores.audio.want(request.guildId, result.hash);
    else note = '⚠️ This server\'s audio storage is full, so I kept the analysis but no copy of the audio.';
    // Two requests for the same new file (an import) may both get here: the store says which won.
    ({ track, created } = await deps.stores.tracks.upsert(toStoredTrack(request, result, 0)));
  }
  // The stored track keeps the shipped model's genres; the answer shows the server's view of them.
  const view = trackGenreView(track, await deps.stores.serverModels.model(track.guildId));
  const message = await target.final(trackMessage(track, png, note, view));
  if (message) await publish(message, track, deps);
  await deps.stores.pending.delete(request.guildId, request.id);
  if (copyWanted) keepCopyLater(request.guildId, result.hash, deps);
  return created ? 'added' : 'known';
}
