import { UnrecoverableError } from 'bullmq';
import { encodeFailure } from '../src/jobs/failure.js';

/**
 * What every sandboxed processor's child needs, without the genre model: processors that never
 * run the model (train, taste-map) import this instead of child-runtime.ts, so their children
 * start without loading tfjs.
 */

/** A payload that does not validate will never validate: fail it for good. */
export function badJob(message: string): UnrecoverableError {
  return new UnrecoverableError(encodeFailure({ code: 'BAD_JOB', message }));
}

// A child whose worker process died (SIGKILL, OOM) would otherwise go on computing for nobody:
// bullmq's IPC channel closing is the sign to leave. The job is taken over by another worker.
if (typeof process.send === 'function') process.once('disconnect', () => process.exit(1));
