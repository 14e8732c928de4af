import { enqueueTraining } from '../jobs/train.js';
import type { Deps } from './deps.js';

/**
 * Schedules the training of the server's models after new feedback or a correction (debounced
 * in the queue: a burst of reactions trains once). Training is a background improvement: a
 * failure to schedule it is logged, never shown to the member, whose vote is already stored.
 */
export async function scheduleTraining(deps: Pick<Deps, 'jobs' | 'logger'>, guildId: string, cause: 'reaction' | 'correction' | 'forget'): Promise<void> {
  try {
    const scheduled = await enqueueTraining(deps.jobs.train, guildId, deps.jobs.trainDebounceMs);
    deps.logger.debug({ guildId, cause, ...scheduled }, 'training scheduled');
  } catch (error) {
    deps.logger.warn({ err: error, guildId, cause }, 'could not schedule training');
  }
}
