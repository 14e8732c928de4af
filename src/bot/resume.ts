import type { PendingRequest } from '../store/types.js';
import { channelTarget, interactionTarget, silentTarget, type AnswerTarget } from './answer.js';
import { followJob } from './classify-flow.js';
import { resumeCopies } from './copy-flow.js';
import type { Deps } from './deps.js';

/**
 * Where to answer a request recorded before a restart: its interaction while the token is
 * valid, else the channel (replying to the source message); imports answer nowhere.
 * Pending ids are `i:<interactionId>:<n>` (n = 0: the reply itself), `m:<messageId>:<n>` or
 * `import:<messageId>:<n>`.
 */
export function resumeTarget(request: PendingRequest, deps: Deps, now = new Date()): AnswerTarget {
  if (request.id.startsWith('import:')) return silentTarget;
  const { interaction } = request;
  if (interaction && new Date(interaction.expiresAt) > now) {
    return interactionTarget(deps.client, {
      applicationId: interaction.applicationId, token: interaction.token, useOriginal: request.id.endsWith(':0'),
      channelId: request.channelId, ...(request.sourceMessageId !== undefined && { replyToId: request.sourceMessageId }),
    });
  }
  return channelTarget(deps.client, request.channelId, request.sourceMessageId);
}

/**
 * Finishes every classification that was pending when the bot stopped: a job that completed
 * meanwhile is stored and shown, a failed one is explained, a running one is followed. Audio
 * copies that were expected are followed too (in the background).
 * Returns the promise of all classifications (each logs its own failure).
 */
export async function resumePending(deps: Deps): Promise<void> {
  await resumeCopies(deps);
  const pending = await deps.stores.pending.list();
  if (pending.length > 0) deps.logger.info({ count: pending.length }, 'resuming pending classifications');
  await Promise.all(pending.map(async (request) => {
    try {
      await followJob(request, resumeTarget(request, deps), deps);
    } catch (error) {
      deps.logger.error({ err: error, pendingId: request.id, guildId: request.guildId }, 'could not resume a classification');
    }
  }));
}
