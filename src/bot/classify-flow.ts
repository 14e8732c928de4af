import { escapeMarkdown } from 'discord.js';
import { performance } from 'node:perf_hooks';
import { isAudioError } from '../audio/errors.js';
import { JobFailure, UPLOAD_GONE } from '../jobs/failure.js';
import { contentHash } from '../jobs/hash.js';
import { enqueueClassify, waitForClassify } from '../jobs/producer.js';
import type { ClassifyJobResult, ClassifyProgress } from '../jobs/schemas.js';
import type { PendingRequest } from '../store/types.js';
import type { AnswerTarget } from './answer.js';
import type { AudioUpload } from './audio-attachments.js';
import type { Deps } from './deps.js';
import { UserError, isUserError } from './errors.js';
import { finishRequest, showStoredTrack } from './finish.js';

const elapsedMs = (since: number): number => Math.round((performance.now() - since) * 10) / 10;

/** How long one wait for a job lasts before waiting again, in ms. */
const WAIT_ROUND_MS = 10 * 60_000;

/** Who asked for a classification, and where. */
export interface ClassifyContext {
  guildId: string;
  channelId: string;
  userId: string;
  upload: AudioUpload;
  /** The message the attachment came from (context menu, auto-classify, import). */
  sourceMessageId?: string;
  messageUrl?: string;
  /** The interaction to answer while its token is valid. */
  interaction?: { applicationId: string; token: string; createdAt: Date };
}

const STAGE_TEXT: Record<ClassifyProgress['stage'], string> = {
  decoding: 'decoding',
  analysing: 'listening for genres and tempo',
  rendering: 'drawing the spectrogram',
  encoding: 'keeping a compact copy',
};

/** The progress line shown while a job runs. */
export function progressText(fileName: string, progress?: ClassifyProgress): string {
  const name = `**${escapeMarkdown(fileName)}**`;
  if (!progress) return `⏳ ${name} is queued for analysis…`;
  return `🎧 Analysing ${name}: ${STAGE_TEXT[progress.stage]} (${Math.round(progress.percent)}%)`;
}

/** How a classification ended: a new track, one the library had, or a failure the member was told about. */
export type ClassifyOutcome = 'added' | 'known' | 'failed';

/** Checks what can be checked before downloading: the upload's size against the limit. */
export function checkUpload(upload: AudioUpload, maxBytes: number): void {
  if (upload.size > maxBytes) {
    const mb = (n: number): string => `${(n / 1024 / 1024).toFixed(1)} MB`;
    throw new UserError(`❌ **${escapeMarkdown(upload.fileName)}** is too large (${mb(upload.size)}); the limit is ${mb(maxBytes)}.`);
  }
}

/** The message a member reads for a download or size problem. */
function failureText(error: unknown, fileName: string): string | undefined {
  if (isUserError(error)) return error.message;
  if (isAudioError(error)) return `❌ ${escapeMarkdown(fileName)}: ${error.message}`;
  const userMessage = (error as { userMessage?: unknown } | null)?.userMessage;
  if (typeof userMessage === 'string') return `❌ ${escapeMarkdown(fileName)}: ${userMessage}`;
  return undefined;
}

/**
 * Classifies one upload for one server and shows the answer on `target`: download, hash, answer
 * from the library when the track is there already, else record a pending request, enqueue
 * (job id = hash) and follow the job to its end. Never throws for bad input: the member reads why.
 */
export async function classifyUpload(ctx: ClassifyContext, pendingId: string, target: AnswerTarget, deps: Deps): Promise<ClassifyOutcome> {
  const log = deps.logger.child({ guildId: ctx.guildId, pendingId });
  const started = performance.now();
  let bytes: Buffer;
  try {
    checkUpload(ctx.upload, deps.settings.maxUploadBytes);
    bytes = await deps.download(ctx.upload.url, { maxBytes: deps.settings.maxUploadBytes, hosts: deps.settings.attachmentHosts });
  } catch (error) {
    const text = failureText(error, ctx.upload.fileName);
    if (text === undefined) throw error;
    log.info({ err: error }, 'upload refused');
    await target.failure(text);
    return 'failed';
  }
  const downloadMs = elapsedMs(started);
  const hash = contentHash(bytes);
  const existing = await deps.stores.tracks.get(ctx.guildId, hash);
  if (existing) {
    await showStoredTrack(existing, target, deps, { channelId: ctx.channelId, note: '📚 Already in this server\'s library.' });
    return 'known';
  }
  const request = pendingRequest(ctx, pendingId, hash);
  await deps.stores.pending.put(request);
  await target.progress(progressText(ctx.upload.fileName));
  try {
    // (the worker enqueues the playback copy once the analysis is done: the answer never waits for it)
    await enqueueClassify(deps.jobs.classify, bytes, ctx.upload.fileName, deps.settings.maxUploadBytes);
  } catch (error) {
    // Nothing was queued (Redis unreachable): a restart must not answer "lost" for it.
    await deps.stores.pending.delete(ctx.guildId, pendingId);
    throw error;
  }
  log.info({ hash, downloadMs, enqueuedMs: elapsedMs(started) }, 'classify job enqueued');
  return followJob(request, target, deps);
}

function pendingRequest(ctx: ClassifyContext, id: string, hash: string): PendingRequest {
  const now = new Date();
  return {
    id, hash, guildId: ctx.guildId, channelId: ctx.channelId, userId: ctx.userId, fileName: ctx.upload.fileName,
    ...(ctx.sourceMessageId !== undefined && { sourceMessageId: ctx.sourceMessageId }),
    ...(ctx.messageUrl !== undefined && { messageUrl: ctx.messageUrl }),
    ...(ctx.interaction && {
      interaction: {
        applicationId: ctx.interaction.applicationId,
        token: ctx.interaction.token,
        expiresAt: new Date(ctx.interaction.createdAt.getTime() + 14 * 60_000).toISOString(),
      },
    }),
    createdAt: now.toISOString(),
  };
}

const AUDIO_CODES = new Set(['NOT_AUDIO', 'CORRUPT', 'UNSUPPORTED', 'TOO_LARGE', 'TOO_LONG', 'SILENT']);

/** What a member reads when a job failed for good. */
export function jobFailureText(fileName: string, failure: JobFailure): string {
  const name = `**${escapeMarkdown(fileName)}**`;
  if (AUDIO_CODES.has(failure.code)) return `❌ I could not analyse ${name}: ${failure.message}`;
  if (failure.code === 'MISSING') return `❌ I lost ${name} while restarting: please send it again.`;
  if (failure.code === UPLOAD_GONE) return `❌ ${name} waited too long to be analysed and I no longer have the file: please send it again.`;
  return `❌ Something went wrong while analysing ${name}. Please try again later.`;
}

/** Waits for the job's result (as long as it takes), reporting each new stage on `target`. */
async function jobOutcome(request: PendingRequest, target: AnswerTarget, deps: Deps): Promise<ClassifyJobResult | JobFailure> {
  let lastStage = '';
  const onProgress = (progress: ClassifyProgress): void => {
    if (progress.stage === lastStage) return;
    lastStage = progress.stage;
    target.progress(progressText(request.fileName, progress)).catch((error: unknown) => deps.logger.debug({ err: error }, 'progress edit failed'));
  };
  for (;;) {
    try {
      return await waitForClassify(deps.jobs.classify, deps.jobs.classifyEvents, request.hash, { onProgress, timeoutMs: WAIT_ROUND_MS });
    } catch (error) {
      // A long queue is no failure: the request stays pending and we keep waiting.
      if (error instanceof JobFailure && error.code !== 'TIMEOUT') return error;
      if (!(error instanceof JobFailure)) throw error;
    }
  }
}

/**
 * Follows a recorded request's job to its end and shows the outcome: the track on success,
 * the reason on a final failure. The pending request is deleted once answered.
 */
export async function followJob(request: PendingRequest, target: AnswerTarget, deps: Deps): Promise<ClassifyOutcome> {
  const waitStarted = performance.now();
  const outcome = await jobOutcome(request, target, deps);
  const log = deps.logger.child({ guildId: request.guildId, hash: request.hash, pendingId: request.id });
  if (!(outcome instanceof JobFailure)) {
    const waitMs = elapsedMs(waitStarted);
    const finishStarted = performance.now();
    const added = await finishRequest(request, outcome, target, deps);
    // waitMs: queue + worker + result transfer; workerMs: the worker's own stages; finishMs: storing and the reply with its picture
    log.info({ outcome: added, waitMs, workerMs: outcome.stagesMs, finishMs: elapsedMs(finishStarted) }, 'classification answered');
    return added;
  }
  log.info({ code: outcome.code, reason: outcome.message }, 'classification failed');
  await target.failure(jobFailureText(request.fileName, outcome));
  await deps.stores.pending.delete(request.guildId, request.id);
  return 'failed';
}
