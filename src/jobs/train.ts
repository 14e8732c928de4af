import type { Job, Queue } from 'bullmq';
import type { TrainQueue } from './queues.js';
import { TrainJobData } from './schemas.js';

/** How long training waits after the latest reaction or correction, in ms (a burst trains once). */
export const DEFAULT_TRAIN_DEBOUNCE_MS = 30_000;

/** Longest a scheduled training is put off by a steady stream of reactions: this many debounce periods. */
const MAX_WAIT_PERIODS = 5;

/**
 * The two job ids of a server's training (bullmq ids may not contain `:`): the main one, and the
 * one scheduled while the main one runs (its data was read already, so new reactions need
 * another run). Only these two exist per server, so a burst can never queue more.
 */
export function trainJobIds(guildId: string): readonly [string, string] {
  return [`train-${guildId}`, `train-${guildId}-again`];
}

/** What {@link enqueueTraining} did. */
export interface TrainingScheduled {
  jobId: string;
  /** `added`: a new delayed job; `extended`: a delayed one pushed back; `pending`: one about to run reads the new data anyway. */
  action: 'added' | 'extended' | 'pending';
}

type AnyState = Awaited<ReturnType<Job['getState']>>;

/**
 * Schedules a training of the server's models `delayMs` from now, debounced: while a training
 * is delayed, each call pushes it back (up to {@link MAX_WAIT_PERIODS} debounce periods after it
 * was first scheduled), so a burst of reactions trains once. A training that is running already
 * gets one follow-up. The payload is validated before enqueueing.
 */
export async function enqueueTraining(queue: TrainQueue, guildId: string, delayMs = DEFAULT_TRAIN_DEBOUNCE_MS, nowMs = Date.now()): Promise<TrainingScheduled> {
  const data = TrainJobData.parse({ guildId });
  for (const jobId of trainJobIds(guildId)) {
    const job = await queue.getJob(jobId);
    const state: AnyState | undefined = job ? await job.getState() : undefined;
    if (job && state === 'delayed') {
      const latest = job.timestamp + MAX_WAIT_PERIODS * Math.max(delayMs, 1);
      const delay = Math.max(0, Math.min(delayMs, latest - nowMs));
      // The job may have started between the two calls: then the follow-up id takes the change.
      const moved = await job.changeDelay(delay).then(() => true, () => false);
      if (moved) return { jobId, action: 'extended' };
      continue;
    }
    if (state === 'waiting' || state === 'prioritized' || state === 'waiting-children') return { jobId, action: 'pending' };
    if (state === 'active') continue;
    // Finished (or unknown): replace it. Removing fails only if it just became active: try the next id.
    if (job && !(await job.remove().then(() => true, () => false))) continue;
    await (queue as Queue).add(queue.name, data, { jobId, delay: delayMs });
    return { jobId, action: 'added' };
  }
  // Both runs are active at once (two workers): the latest of them read the newest data it could.
  return { jobId: trainJobIds(guildId)[1], action: 'pending' };
}
