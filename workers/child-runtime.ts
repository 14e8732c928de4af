import { UnrecoverableError } from 'bullmq';
import { resolve } from 'node:path';
import { isAudioError } from '../src/audio/index.js';
import { encodeFailure } from '../src/jobs/failure.js';
import { GenreModel } from '../src/ml/genre-model.js';
import { loadTfRuntime } from '../src/ml/runtime.js';

/**
 * What a sandboxed processor's child process shares between its jobs: the genre model, loaded
 * once (memoised), and the conversion of errors into bullmq's retry conventions.
 */

/** The shipped genre model, whatever the working directory. */
export const MODEL_DIR = resolve(import.meta.dirname, '../models/genre');

let model: Promise<GenreModel> | undefined;

/** The genre model of this child process, loaded on first use (a failed load is tried again next time). */
export function genreModel(): Promise<GenreModel> {
  model ??= loadTfRuntime()
    .then((runtime) => GenreModel.load(MODEL_DIR, runtime))
    .catch((error: unknown) => {
      model = undefined;
      throw error;
    });
  return model;
}

/**
 * Bad input becomes bullmq's `UnrecoverableError` (no retry) whose message is the JSON
 * FailureReason; anything else is rethrown as it is, so bullmq retries it with backoff.
 */
export function toJobError(error: unknown): unknown {
  if (isAudioError(error)) return new UnrecoverableError(encodeFailure({ code: error.code, message: error.message }));
  return error;
}

/** A payload that does not validate will never validate: fail it for good. */
export function badJob(message: string): UnrecoverableError {
  return new UnrecoverableError(encodeFailure({ code: 'BAD_JOB', message }));
}

// A child whose worker process died (SIGKILL, OOM) would otherwise go on computing for nobody:
// bullmq's IPC channel closing is the sign to leave. The job is taken over by another worker.
if (typeof process.send === 'function') process.once('disconnect', () => process.exit(1));
