import { FailureReason } from './schemas.js';

/**
 * How a job failed, as the bot sees it.
 * - `code`: an AudioErrorCode (`NOT_AUDIO`, `CORRUPT`, ...) for bad audio; {@link UPLOAD_GONE} when
 *   the upload expired before its job ran; `INTERNAL` for a fault
 *   of ours; `TIMEOUT` when waiting gave up (the job may still finish); `MISSING` when the job is
 *   gone (removed, or never enqueued).
 * - `final`: true when the job will not run again (bad audio, attempts exhausted, missing).
 */
export class JobFailure extends Error {
  override readonly name = 'JobFailure';
  constructor(
    readonly code: string,
    message: string,
    readonly final: boolean,
  ) {
    super(message);
  }
}

/**
 * The failure code of a job whose upload is no longer in Redis (its TTL ran out while the job
 * waited, or it was deleted): final for this job, but the same file posted again is stored again
 * and its job retried.
 */
export const UPLOAD_GONE = 'UPLOAD_GONE';

/** The {@link FailureReason} of a job whose upload is gone (see {@link UPLOAD_GONE}). */
export function uploadGoneReason(hash: string): FailureReason {
  return { code: UPLOAD_GONE, message: `the uploaded file ${hash.slice(0, 12)}… is no longer stored: post the file again` };
}

/** The `UnrecoverableError` message a worker throws for bad audio: the reason as JSON. */
export function encodeFailure(reason: FailureReason): string {
  return JSON.stringify(FailureReason.parse(reason));
}

/** Reads a job's `failedReason` back: the encoded {@link FailureReason}, or undefined for any other error. */
export function decodeFailure(failedReason: string | undefined): FailureReason | undefined {
  if (!failedReason?.startsWith('{')) return undefined;
  try {
    const parsed = FailureReason.safeParse(JSON.parse(failedReason));
    return parsed.success ? parsed.data : undefined;
  } catch {
    return undefined;
  }
}

/** A final failure for a job whose `failedReason` is given: bad audio keeps its code, the rest is INTERNAL. */
export function failureFromReason(failedReason: string | undefined): JobFailure {
  const reason = decodeFailure(failedReason);
  if (reason) return new JobFailure(reason.code, reason.message, true);
  return new JobFailure('INTERNAL', failedReason || 'the job failed', true);
}
