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

// badJob and the exit when the worker process dies live in child-basics.ts (shared with the processors that need no model).
export { badJob } from './child-basics.js';
