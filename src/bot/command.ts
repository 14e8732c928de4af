import type {
  AutocompleteInteraction,
  ChatInputCommandInteraction,
  MessageComponentInteraction,
  MessageContextMenuCommandInteraction,
  RESTPostAPIApplicationCommandsJSONBody,
} from 'discord.js';
import type { Deps } from './deps.js';

interface CommandBase {
  /** The command as registered with Discord (from a builder's `toJSON()`). */
  data: RESTPostAPIApplicationCommandsJSONBody;
  /** Custom ids starting with `<componentPrefix>:` are routed to {@link CommandBase.component}. */
  componentPrefix?: string;
  /**
   * Handles the command's components. Ids carry what the handler needs, since the message may
   * predate a restart.
   */
  component?(interaction: MessageComponentInteraction, deps: Deps): Promise<void>;
}

/** A slash command. */
export interface SlashCommand extends CommandBase {
  kind: 'slash';
  execute(interaction: ChatInputCommandInteraction, deps: Deps): Promise<void>;
  autocomplete?(interaction: AutocompleteInteraction, deps: Deps): Promise<void>;
}

/** A message context-menu command. */
export interface MessageMenuCommand extends CommandBase {
  kind: 'message';
  execute(interaction: MessageContextMenuCommandInteraction, deps: Deps): Promise<void>;
}

/** Any command of the bot. */
export type Command = SlashCommand | MessageMenuCommand;

/** Declares a command: data plus a thin handler (STYLE habit 1). */
export function defineCommand<C extends Command>(command: C): C {
  return command;
}
