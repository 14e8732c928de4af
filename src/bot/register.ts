import type { Client } from 'discord.js';
import type { Command } from './command.js';

/**
 * Registers the commands with Discord: in `devGuildId` when given (instant), else globally
 * (Discord may take up to an hour to show changes). Overwrites the previous set.
 */
export async function registerCommands(client: Client<true>, commands: readonly Command[], devGuildId?: string): Promise<void> {
  const body = commands.map((c) => c.data);
  if (devGuildId) await client.application.commands.set(body, devGuildId);
  else await client.application.commands.set(body);
}
