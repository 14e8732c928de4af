import { JobFailure } from '../jobs/failure.js';
import { enqueueCopyOfClassify, waitForCopy } from '../jobs/producer.js';
import { ClassifyJobData, type CopyJobResult } from '../jobs/schemas.js';
import type { Deps } from './deps.js';

/**
 * The playback copy of a track: made by its own job (workers/copy.ts), which the worker enqueues
 * once the classification is done, so the answer never waits for it; stored here, per server and within its
 * quota, once it is ready. A mark in the copy store (`want`) says a copy is expected, so a bot
 * restarted in between picks it up again ({@link resumeCopies}).
 */

/** How long one wait for a copy job lasts before waiting again, in ms. */
const WAIT_ROUND_MS = 10 * 60_000;
/** How long a missing copy job is given to appear (the worker enqueues it after the classification) before the bot enqueues it, in ms. */
const MISSING_GRACE_MS = 3000;
/** Bytes per second of a copy at 64 kbit/s: what a new copy is expected to take of the quota. */
const COPY_BYTES_PER_S = 8000;

/** How keeping a copy ended. */
export type CopyOutcome = 'kept' | 'full' | 'gone' | 'failed';

/**
 * Whether a copy of `durationS` seconds is expected to fit the server's quota, so that the
 * answer can say at once when it will not be kept (the store checks the real size when it arrives).
 */
export async function copyLikelyFits(guildId: string, durationS: number, deps: Deps): Promise<boolean> {
  const { audio } = deps.stores;
  return (await audio.usage(guildId)) + durationS * COPY_BYTES_PER_S <= audio.quotaBytesPerGuild;
}

/**
 * Waits for the copy job of `hash`. The worker enqueues it when the classification completes,
 * which may be a moment after the bot hears of the completion; a job still missing after that
 * (its worker died, or it was removed) is enqueued here from the stored upload while Redis
 * still holds it (an `UPLOAD_GONE` failure when it does not).
 */
async function copyResult(hash: string, deps: Deps): Promise<CopyJobResult | JobFailure> {
  let missing = 0;
  for (;;) {
    try {
      return await waitForCopy(deps.jobs.copy, deps.jobs.copyEvents, hash, { timeoutMs: WAIT_ROUND_MS });
    } catch (error) {
      if (!(error instanceof JobFailure)) throw error;
      if (error.code === 'TIMEOUT') continue;
      if (error.code !== 'MISSING' || missing >= 2) return error;
      missing += 1;
      if (missing === 1) {
        await new Promise((done) => setTimeout(done, MISSING_GRACE_MS));
        continue;
      }
      // the upload is stored under its hash; a classify job queued by an older version carries it instead
      const classify = ClassifyJobData.safeParse((await deps.jobs.classify.getJob(hash))?.data);
      try {
        await enqueueCopyOfClassify(deps.jobs.copy, classify.success ? classify.data : { hash });
      } catch (failure) {
        if (failure instanceof JobFailure) return failure;
        throw failure;
      }
    }
  }
}

/**
 * Waits for the copy of `hash` and stores it for the server, with its format and loudness
 * description, and records its size on the track. Clears the server's mark in every outcome
 * but a crash. Never throws for a failed job (it is logged).
 */
export async function keepCopy(guildId: string, hash: string, deps: Deps): Promise<CopyOutcome> {
  const log = deps.logger.child({ guildId, hash });
  const result = await copyResult(hash, deps);
  let outcome: CopyOutcome;
  if (result instanceof JobFailure) {
    log.warn({ code: result.code, reason: result.message }, 'no audio copy: its job failed');
    outcome = 'failed';
  } else if (!(await deps.stores.tracks.get(guildId, hash))) {
    outcome = 'gone';
  } else {
    const { base64, ...info } = result.audioCopy;
    const bytes = Buffer.from(base64, 'base64');
    const kept = await deps.stores.audio.put(guildId, hash, bytes, info);
    outcome = kept ? 'kept' : 'full';
    // the track may have been removed while the copy was written: then the copy goes too
    if (kept && !(await deps.stores.tracks.setAudioBytes(guildId, hash, bytes.length))) {
      await deps.stores.audio.remove(guildId, hash);
      outcome = 'gone';
    }
    log.info({ outcome, bytes: bytes.length, gainDb: info.loudness.gainDb, integratedLufs: info.loudness.integratedLufs }, outcome === 'kept' ? 'audio copy stored' : 'audio copy not stored');
  }
  await deps.stores.audio.unwant(guildId, hash);
  return outcome;
}

/** {@link keepCopy} in the background: its failure (e.g. Redis gone) is logged, and the mark stays for the next start. */
export function keepCopyLater(guildId: string, hash: string, deps: Deps): void {
  keepCopy(guildId, hash, deps).catch((error: unknown) => deps.logger.error({ err: error, guildId, hash }, 'could not store an audio copy'));
}

/** At start-up: follows every copy that was expected when the bot stopped (each in the background). */
export async function resumeCopies(deps: Deps): Promise<void> {
  const wanted = await deps.stores.audio.wanted();
  if (wanted.length > 0) deps.logger.info({ count: wanted.length }, 'resuming audio copies');
  for (const { guildId, hash } of wanted) keepCopyLater(guildId, hash, deps);
}
