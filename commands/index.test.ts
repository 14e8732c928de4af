import { ApplicationCommandType, PermissionFlagsBits } from 'discord.js';
import { describe, expect, it } from 'vitest';
import { commandTable } from '../src/bot/router.js';
import { COMMANDS } from './index.js';

describe('the command list', () => {
  it('serialises every command as Discord accepts it, with unique names per type', () => {
    for (const command of COMMANDS) {
      const json = JSON.parse(JSON.stringify(command.data)) as { name: string; description?: string; type?: number };
      expect(json.name).toMatch(command.kind === 'slash' ? /^[-_a-z0-9]{1,32}$/ : /^.{1,32}$/);
      if (command.kind === 'slash') expect(json.description?.length).toBeGreaterThan(0);
      else expect(json.type).toBe(ApplicationCommandType.Message);
    }
    const keys = COMMANDS.map((c) => `${c.kind}:${c.data.name}`);
    expect(new Set(keys).size).toBe(keys.length);
    expect(() => commandTable(COMMANDS)).not.toThrow();
    expect(() => commandTable([...COMMANDS, COMMANDS[0]!])).toThrow(/duplicate/);
  });

  it('has the issue\'s commands, and only /settings is hidden from members without Manage Server', () => {
    expect(COMMANDS.map((c) => c.data.name).sort()).toEqual([
      'Classify audio', 'classify', 'forget-me', 'library', 'nowplaying', 'pause', 'play', 'profile', 'queue', 'radio', 'recommend', 'resume', 'settings', 'skip', 'stop', 'volume',
    ]);
    const restricted = COMMANDS.filter((c) => c.data.default_member_permissions != null).map((c) => c.data.name);
    expect(restricted).toEqual(['settings']);
    expect(COMMANDS.find((c) => c.data.name === 'settings')?.data.default_member_permissions).toBe(String(PermissionFlagsBits.ManageGuild));
  });
});
