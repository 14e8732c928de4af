import {
  Events,
  MessageFlags,
  type Client,
  type Interaction,
  type RepliableInteraction,
} from 'discord.js';
import type { Logger } from 'pino';
import type { Command } from './command.js';
import type { Deps } from './deps.js';
import { isUserError } from './errors.js';

/** What a member reads when something went wrong on our side. */
export const APOLOGY = 'Sorry, something went wrong on my side. Please try again in a moment.';

/** Finds the command (or component owner) for an interaction. */
export interface CommandTable {
  byName: ReadonlyMap<string, Command>;
  byComponentPrefix: ReadonlyMap<string, Command>;
}

/** Indexes commands by name and by component prefix; throws on duplicates. */
export function commandTable(commands: readonly Command[]): CommandTable {
  const byName = new Map<string, Command>();
  const byComponentPrefix = new Map<string, Command>();
  for (const command of commands) {
    const key = `${command.kind}:${command.data.name}`;
    if ([...byName.values()].some((c) => `${c.kind}:${c.data.name}` === key)) throw new Error(`duplicate command ${command.data.name}`);
    byName.set(key, command);
    if (command.componentPrefix !== undefined) {
      if (byComponentPrefix.has(command.componentPrefix)) throw new Error(`duplicate component prefix ${command.componentPrefix}`);
      byComponentPrefix.set(command.componentPrefix, command);
    }
  }
  return { byName, byComponentPrefix };
}

/** Shows `text` to the member who interacted, ephemerally unless the reply is already public. */
export async function replyToMember(interaction: RepliableInteraction, text: string): Promise<void> {
  if (interaction.deferred || interaction.replied) {
    await interaction.editReply({ content: text, embeds: [], components: [], files: [] });
  } else {
    await interaction.reply({ content: text, flags: MessageFlags.Ephemeral });
  }
}

async function dispatch(interaction: Interaction, table: CommandTable, deps: Deps): Promise<void> {
  if (interaction.isChatInputCommand() || interaction.isAutocomplete()) {
    const command = table.byName.get(`slash:${interaction.commandName}`);
    if (command?.kind !== 'slash') return;
    if (interaction.isAutocomplete()) await command.autocomplete?.(interaction, deps);
    else await command.execute(interaction, deps);
  } else if (interaction.isMessageContextMenuCommand()) {
    const command = table.byName.get(`message:${interaction.commandName}`);
    if (command?.kind === 'message') await command.execute(interaction, deps);
  } else if (interaction.isMessageComponent()) {
    const prefix = interaction.customId.split(':', 1)[0] ?? '';
    await table.byComponentPrefix.get(prefix)?.component?.(interaction, deps);
  }
}

/**
 * The one error boundary (STYLE habit 3): a {@link UserError} is shown to the member as is;
 * anything else is logged with context and the member gets {@link APOLOGY}.
 */
export async function handleInteraction(interaction: Interaction, table: CommandTable, deps: Deps): Promise<void> {
  const log = deps.logger.child({ guildId: interaction.guildId, interactionId: interaction.id, userId: interaction.user.id });
  try {
    await dispatch(interaction, table, deps);
  } catch (error) {
    if (!isUserError(error)) log.error({ err: error, command: describe(interaction) }, 'interaction failed');
    if (!interaction.isRepliable()) return;
    await replyToMember(interaction, isUserError(error) ? error.message : APOLOGY).catch((replyError: unknown) =>
      log.warn({ err: replyError }, 'could not tell the member about the error'));
  }
}

function describe(interaction: Interaction): string {
  if (interaction.isCommand() || interaction.isAutocomplete()) return interaction.commandName;
  if (interaction.isMessageComponent()) return interaction.customId;
  return String(interaction.type);
}

/** Routes every interaction of `client` to `table`, through {@link handleInteraction}. */
export function installRouter(client: Client, table: CommandTable, deps: Deps, logger: Logger): void {
  client.on(Events.InteractionCreate, (interaction) => {
    handleInteraction(interaction, table, deps).catch((error: unknown) => logger.error({ err: error }, 'interaction boundary failed'));
  });
}
