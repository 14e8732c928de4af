import { PermissionFlagsBits, type BaseInteraction } from 'discord.js';
import { UserError } from './errors.js';

/**
 * Throws a {@link UserError} unless the member holds Manage Server, read from the interaction
 * (Discord computes it per channel): checked in the handler as well as through
 * `default_member_permissions`, which server admins can override.
 */
export function requireManageGuild(interaction: BaseInteraction): void {
  if (!interaction.memberPermissions?.has(PermissionFlagsBits.ManageGuild)) {
    throw new UserError('⛔ You need the **Manage Server** permission for that.');
  }
}

/** The guild id of an interaction run in a server; a {@link UserError} elsewhere. */
export function requireGuild(interaction: BaseInteraction): string {
  if (!interaction.guildId) throw new UserError('This command works in a server only.');
  return interaction.guildId;
}
