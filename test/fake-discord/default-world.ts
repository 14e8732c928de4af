import { PermissionFlagsBits } from 'discord-api-types/v10';
import type { World } from './world.js';

/** Ids of one default guild. */
export interface DefaultGuild {
  readonly id: string;
  readonly name: string;
  /** #general, a text channel everyone can use. */
  readonly generalId: string;
  /** #staff, a text channel hidden from @everyone (the bot cannot see it either). */
  readonly staffId: string;
  /** A voice channel, "Listening Room". */
  readonly voiceId: string;
  /** The "DJ" role: Manage Guild. */
  readonly djRoleId: string;
}

/** The default world every fake starts with. */
export interface DefaultWorld {
  readonly guilds: readonly [DefaultGuild, DefaultGuild];
  /** alice owns both guilds; bob is DJ in the first and a plain member of the second; carol is a plain member of both. */
  readonly users: { readonly alice: string; readonly bob: string; readonly carol: string };
}

/** Builds two guilds, each with #general, #staff, a voice channel and a DJ role, and three members; the bot is in both. */
export function buildDefaultWorld(world: World, botId: string): DefaultWorld {
  const alice = world.addUser('alice').id;
  const bob = world.addUser('bob').id;
  const carol = world.addUser('carol').id;
  const make = (name: string, bobIsDj: boolean): DefaultGuild => {
    const guild = world.addGuild(name, alice);
    const dj = world.addRole(guild.id, 'DJ', PermissionFlagsBits.ManageGuild);
    const general = world.addChannel(guild.id, 'general');
    const staff = world.addChannel(guild.id, 'staff', { overwrites: [{ id: guild.id, type: 0, allow: '0', deny: PermissionFlagsBits.ViewChannel.toString() }] });
    const voice = world.addChannel(guild.id, 'Listening Room', { voice: true });
    world.addMember(guild.id, botId);
    world.addMember(guild.id, bob, bobIsDj ? [dj.id] : []);
    world.addMember(guild.id, carol);
    return { id: guild.id, name, generalId: general.id, staffId: staff.id, voiceId: voice.id, djRoleId: dj.id };
  };
  return { guilds: [make('Crate Diggers', true), make('Vinyl Vault', false)], users: { alice, bob, carol } };
}
