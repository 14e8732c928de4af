import type { Command } from './command.js';
import type { Deps } from './deps.js';
import { installAutoClassify } from './auto-classify.js';
import { installReactionHandlers } from './reactions.js';
import { reconcileReactions } from './reconcile.js';
import { registerCommands } from './register.js';
import { resumePending } from './resume.js';
import { commandTable, installRouter } from './router.js';

/**
 * Attaches every listener before login, so nothing that arrives right after READY is missed:
 * interactions go to the router, reactions become feedback, arrivals in auto-classify channels
 * are classified.
 */
export function installHandlers(deps: Deps, commands: readonly Command[]): void {
  installRouter(deps.client, commandTable(commands), deps, deps.logger);
  installReactionHandlers(deps.client, deps);
  installAutoClassify(deps.client, deps);
}

/**
 * Once ready: registers the commands (in `devGuildId` when given), then, in the background,
 * resumes the classifications that were pending when the bot last stopped and brings the votes
 * of recent track messages in line with their reactions.
 */
export async function afterReady(deps: Deps, commands: readonly Command[], devGuildId?: string): Promise<void> {
  await registerCommands(deps.client, commands, devGuildId);
  deps.logger.info({ commands: commands.map((c) => c.data.name), scope: devGuildId ?? 'global' }, 'commands registered');
  resumePending(deps).catch((error: unknown) => deps.logger.error({ err: error }, 'resuming pending classifications failed'));
  reconcileReactions(deps).then(
    (counts) => deps.logger.info(counts, 'reactions reconciled'),
    (error: unknown) => deps.logger.error({ err: error }, 'reconciling reactions failed'),
  );
}
