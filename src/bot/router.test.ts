import { MessageFlags, type Interaction } from 'discord.js';
import { pino } from 'pino';
import { describe, expect, it } from 'vitest';
import { defineCommand, type Command } from './command.js';
import type { Deps } from './deps.js';
import { UserError } from './errors.js';
import { APOLOGY, commandTable, handleInteraction } from './router.js';

function fakeCommand(name: string, execute: (i: { deferred: boolean }) => Promise<void>): Command {
  return defineCommand({ kind: 'slash', data: { name, description: name }, execute: (interaction) => execute(interaction as never) });
}

/** A chat-input interaction with just what the router reads, recording the replies. */
function fakeInteraction(commandName: string): { interaction: Interaction; sent: { how: string; options: unknown }[] } {
  const sent: { how: string; options: unknown }[] = [];
  const state = { deferred: false, replied: false };
  const interaction = {
    id: '10', guildId: '20', user: { id: '30' }, type: 2, commandName, ...state,
    isChatInputCommand: () => true, isAutocomplete: () => false, isMessageContextMenuCommand: () => false,
    isMessageComponent: () => false, isCommand: () => true, isRepliable: () => true,
    deferReply() { this.deferred = true; return Promise.resolve(); },
    reply: (options: unknown) => Promise.resolve(void sent.push({ how: 'reply', options })),
    editReply: (options: unknown) => Promise.resolve(void sent.push({ how: 'edit', options })),
  };
  return { interaction: interaction as unknown as Interaction, sent };
}

function depsWithLog(lines: string[]): Deps {
  const logger = pino({ level: 'info' }, { write: (line: string) => void lines.push(line) });
  return { logger } as unknown as Deps;
}

describe('the interaction router', () => {
  const table = commandTable([
    fakeCommand('oops', () => Promise.reject(new Error('database exploded'))),
    fakeCommand('refuse', async (i) => {
      await (i as unknown as { deferReply(): Promise<void> }).deferReply();
      throw new UserError('You may not.');
    }),
  ]);

  it('logs an unexpected error with context and shows the member a short apology, ephemerally', async () => {
    const lines: string[] = [];
    const { interaction, sent } = fakeInteraction('oops');
    await handleInteraction(interaction, table, depsWithLog(lines));
    expect(sent).toEqual([{ how: 'reply', options: { content: APOLOGY, flags: MessageFlags.Ephemeral } }]);
    expect(JSON.stringify(sent)).not.toContain('database exploded');
    const logged = lines.map((l) => JSON.parse(l) as { msg: string; guildId: string; command: string; err: { message: string } });
    expect(logged).toHaveLength(1);
    expect(logged[0]).toMatchObject({ msg: 'interaction failed', guildId: '20', userId: '30', command: 'oops', err: { message: 'database exploded' } });
  });

  it('shows a UserError as is, editing the reply once deferred, and logs nothing', async () => {
    const lines: string[] = [];
    const { interaction, sent } = fakeInteraction('refuse');
    await handleInteraction(interaction, table, depsWithLog(lines));
    expect(sent).toEqual([{ how: 'edit', options: { content: 'You may not.', embeds: [], components: [], files: [] } }]);
    expect(lines).toEqual([]);
  });

  it('ignores commands it does not know', async () => {
    const { interaction, sent } = fakeInteraction('unknown');
    await handleInteraction(interaction, table, depsWithLog([]));
    expect(sent).toEqual([]);
  });
});
