import { randomBytes } from 'node:crypto';
import {
  ApplicationCommandOptionType,
  ApplicationCommandType,
  ComponentType,
  GatewayDispatchEvents,
  InteractionContextType,
  InteractionType,
  Locale,
  PermissionFlagsBits,
  type APIApplicationCommandInteractionDataOption,
  type APIApplicationCommandOption,
  type APIInteraction,
  type APIInteractionDataResolved,
  type APIMessage,
  type APIMessageComponent,
} from 'discord-api-types/v10';
import type { FakeCore } from './core.js';
import { FakeInteraction } from './interaction-handle.js';
import { omitKeys } from './world.js';

/** A file a member attaches (to a command option or a message). */
export interface FakeUpload {
  readonly filename: string;
  readonly data: Buffer;
  /** MIME type, e.g. 'audio/wav' (Discord reports what the client declared). */
  readonly contentType?: string;
}

/** A slash command option value: string/number/boolean, a snowflake for user/channel/role, or an upload. */
export type SlashOptionValue = string | number | boolean | FakeUpload;

/** Where a member acts: a guild, one of its channels, and the member. */
export interface MemberContext {
  readonly guildId: string;
  readonly channelId: string;
  readonly userId: string;
}

/** The fields every guild interaction carries, checked as Discord would before sending it. */
export function baseInteraction(core: FakeCore, ctx: MemberContext): Omit<APIInteraction & { type: InteractionType.ApplicationCommand }, 'type' | 'data'> {
  const guild = core.world.guild(ctx.guildId);
  const channel = guild.channels.get(ctx.channelId);
  if (!channel) throw new Error(`fake-discord: channel ${ctx.channelId} is not in guild ${ctx.guildId}`);
  const member = core.world.apiMember(ctx.guildId, ctx.userId);
  if (!member) throw new Error(`fake-discord: user ${ctx.userId} is not a member of guild ${ctx.guildId}`);
  const permissions = core.world.permissions(ctx.guildId, ctx.userId, ctx.channelId);
  if (!(permissions & PermissionFlagsBits.ViewChannel)) throw new Error(`fake-discord: member ${ctx.userId} cannot see channel ${ctx.channelId}`);
  return {
    id: core.ids.next(), application_id: core.applicationId, token: `aW50ZXJhY3Rpb24${randomBytes(24).toString('base64url')}`, version: 1,
    guild_id: guild.id, guild: { id: guild.id, locale: Locale.EnglishUS, features: [] }, channel, channel_id: channel.id,
    member: { ...member, permissions: permissions.toString() },
    app_permissions: core.world.permissions(ctx.guildId, core.bot.id, ctx.channelId).toString(),
    locale: Locale.EnglishUS, guild_locale: Locale.EnglishUS, entitlements: [],
    authorizing_integration_owners: { 0: guild.id }, context: InteractionContextType.Guild, attachment_size_limit: 10 * 1024 * 1024,
  };
}

/** Records the interaction, sends INTERACTION_CREATE (no intent needed), and returns the member's handle. */
export function deliverInteraction(core: FakeCore, payload: APIInteraction): FakeInteraction {
  const record = { payload, createdAtMs: Date.now(), callbacks: [], followupIds: [] };
  core.interactions.set(payload.id, record);
  core.gateway.dispatch(GatewayDispatchEvents.InteractionCreate, payload, null);
  core.changed();
  return new FakeInteraction(core, record);
}

/** The registered command a member can run, checking default_member_permissions and Use Application Commands. */
function commandFor(core: FakeCore, ctx: MemberContext, name: string, type: ApplicationCommandType): ReturnType<FakeCore['commands']['resolve']> & object {
  const command = core.commands.resolve(ctx.guildId, name, type);
  if (!command) throw new Error(`fake-discord: no command ${name} (type ${type}) is registered for guild ${ctx.guildId}`);
  const perms = core.world.permissions(ctx.guildId, ctx.userId, ctx.channelId);
  const needed = BigInt(command.default_member_permissions ?? 0) | PermissionFlagsBits.UseApplicationCommands;
  if ((perms & needed) !== needed) throw new Error(`fake-discord: member ${ctx.userId} may not use /${name} (lacks permissions)`);
  return command;
}

/** Options for runSlashCommand / runAutocomplete. */
export interface SlashCommandInput extends MemberContext {
  readonly name: string;
  /** `['sub']` or `['group', 'sub']` for subcommands. */
  readonly subcommand?: readonly string[];
  readonly options?: Readonly<Record<string, SlashOptionValue>>;
}

/** A member runs a registered slash command (or, with `focused`, types in an autocomplete option). */
export function runChatInput(core: FakeCore, input: SlashCommandInput, focused?: string): FakeInteraction {
  const command = commandFor(core, input, input.name, ApplicationCommandType.ChatInput);
  const resolved: APIInteractionDataResolved = {};
  let defs = command.options ?? [];
  const path: { name: string; type: ApplicationCommandOptionType }[] = [];
  for (const name of input.subcommand ?? []) {
    const def = defs.find((d) => d.name === name && (d.type === ApplicationCommandOptionType.Subcommand || d.type === ApplicationCommandOptionType.SubcommandGroup));
    if (!def || !('options' in def)) throw new Error(`fake-discord: /${input.name} has no subcommand ${name}`);
    path.push({ name, type: def.type });
    defs = (def.options ?? []);
  }
  let options = buildOptions(core, input, defs, input.options ?? {}, resolved, focused);
  for (const step of path.reverse()) options = [{ name: step.name, type: step.type, options } as APIApplicationCommandInteractionDataOption];
  const data = { id: command.id, name: command.name, type: ApplicationCommandType.ChatInput, guild_id: input.guildId, options, ...(Object.keys(resolved).length > 0 && { resolved }) };
  const type = focused === undefined ? InteractionType.ApplicationCommand : InteractionType.ApplicationCommandAutocomplete;
  return deliverInteraction(core, { ...baseInteraction(core, input), type, data } as APIInteraction);
}

function buildOptions(core: FakeCore, ctx: MemberContext, defs: readonly APIApplicationCommandOption[], given: Readonly<Record<string, SlashOptionValue>>, resolved: APIInteractionDataResolved, focused: string | undefined): APIApplicationCommandInteractionDataOption[] {
  for (const def of defs) {
    if ('required' in def && def.required && !(def.name in given) && focused === undefined) throw new Error(`fake-discord: required option ${def.name} missing`);
  }
  return Object.entries(given).map(([name, value]) => {
    const def = defs.find((d) => d.name === name);
    if (!def) throw new Error(`fake-discord: the command has no option ${name}`);
    const choices = 'choices' in def ? def.choices : undefined;
    if (choices && choices.length > 0 && !choices.some((c) => c.value === value)) throw new Error(`fake-discord: ${JSON.stringify(value)} is not a choice of ${name}`);
    return { name, type: def.type, value: optionValue(core, ctx, def.type, value, resolved), ...(name === focused && { focused: true }) } as APIApplicationCommandInteractionDataOption;
  });
}

function optionValue(core: FakeCore, ctx: MemberContext, type: ApplicationCommandOptionType, value: SlashOptionValue, resolved: APIInteractionDataResolved): string | number | boolean {
  const expect = (ok: boolean): void => {
    if (!ok) throw new Error(`fake-discord: value ${JSON.stringify(value)} does not fit option type ${type}`);
  };
  switch (type) {
    case ApplicationCommandOptionType.Attachment: {
      expect(typeof value === 'object');
      const upload = value as FakeUpload;
      const attachment = core.messages.storeFile(ctx.channelId, upload.filename, upload.data, upload.contentType);
      resolved.attachments = { ...resolved.attachments, [attachment.id]: { ...attachment, ephemeral: true } };
      return attachment.id;
    }
    case ApplicationCommandOptionType.User: {
      expect(typeof value === 'string');
      const user = core.world.user(value as string);
      const member = core.world.apiMember(ctx.guildId, user.id);
      resolved.users = { ...resolved.users, [user.id]: user };
      if (member) {
        const rest = omitKeys(member, ['user', 'deaf', 'mute']);
        resolved.members = { ...resolved.members, [user.id]: { ...rest, permissions: core.world.permissions(ctx.guildId, user.id, ctx.channelId).toString() } };
      }
      return user.id;
    }
    case ApplicationCommandOptionType.Role: {
      const role = core.world.guild(ctx.guildId).roles.get(typeof value === 'string' ? value : '');
      expect(role !== undefined);
      resolved.roles = { ...resolved.roles, [role!.id]: role! };
      return role!.id;
    }
    case ApplicationCommandOptionType.Channel: {
      const channel = core.world.guild(ctx.guildId).channels.get(typeof value === 'string' ? value : '');
      expect(channel !== undefined);
      const { id, name, type: channelType } = channel!;
      resolved.channels = { ...resolved.channels, [id]: { id, name, type: channelType, permissions: core.world.permissions(ctx.guildId, ctx.userId, id).toString() } as never };
      return id;
    }
    case ApplicationCommandOptionType.Integer:
      expect(Number.isInteger(value));
      return value as number;
    case ApplicationCommandOptionType.Number:
      expect(typeof value === 'number');
      return value as number;
    case ApplicationCommandOptionType.Boolean:
      expect(typeof value === 'boolean');
      return value as boolean;
    default:
      expect(typeof value === 'string');
      return value as string;
  }
}

/** A member uses a message context-menu command (type 3) on a message. */
export function runMessageCommand(core: FakeCore, ctx: MemberContext, name: string, messageId: string): FakeInteraction {
  const command = commandFor(core, ctx, name, ApplicationCommandType.Message);
  const target = core.messages.get(ctx.channelId, messageId);
  const message = core.messages.toApi(target, core.bot.id);
  const data = { id: command.id, name, type: ApplicationCommandType.Message, guild_id: ctx.guildId, target_id: messageId, resolved: { messages: { [messageId]: message } } };
  return deliverInteraction(core, { ...baseInteraction(core, ctx), type: InteractionType.ApplicationCommand, data } as APIInteraction);
}

/** A member uses a user context-menu command (type 2) on a member of the guild. */
export function runUserCommand(core: FakeCore, ctx: MemberContext, name: string, targetUserId: string): FakeInteraction {
  const command = commandFor(core, ctx, name, ApplicationCommandType.User);
  const resolved: APIInteractionDataResolved = {};
  optionValue(core, ctx, ApplicationCommandOptionType.User, targetUserId, resolved);
  const data = { id: command.id, name, type: ApplicationCommandType.User, guild_id: ctx.guildId, target_id: targetUserId, resolved };
  return deliverInteraction(core, { ...baseInteraction(core, ctx), type: InteractionType.ApplicationCommand, data } as APIInteraction);
}

/** A member clicks a button or picks values in a string select on a message the bot sent. */
export function useComponent(core: FakeCore, ctx: MemberContext, messageId: string, customId: string, values?: string[]): FakeInteraction {
  const stored = core.messages.find(ctx.channelId, messageId);
  // An ephemeral message is there only for the member its interaction answered.
  if (!stored || (stored.ephemeral && stored.message.interaction_metadata?.user.id !== ctx.userId)) throw new Error(`fake-discord: member ${ctx.userId} sees no message ${messageId}`);
  const component = findComponent(stored.message.components ?? [], customId);
  if (!component) throw new Error(`fake-discord: message ${messageId} has no component ${customId}`);
  if ('disabled' in component && component.disabled) throw new Error(`fake-discord: component ${customId} is disabled`);
  let data: Record<string, unknown> = { custom_id: customId, component_type: component.type };
  if (component.type === ComponentType.StringSelect) {
    const picked = values ?? [];
    const allowed = component.options.map((o) => o.value);
    if (picked.some((v) => !allowed.includes(v)) || picked.length < (component.min_values ?? 1) || picked.length > (component.max_values ?? 1)) {
      throw new Error(`fake-discord: values ${picked.join(',')} are not a valid pick for ${customId}`);
    }
    data = { ...data, values: picked };
  } else if (component.type !== ComponentType.Button) {
    throw new Error(`fake-discord: component type ${component.type} is not implemented`);
  }
  const message: APIMessage = core.messages.toApi(stored, core.bot.id);
  return deliverInteraction(core, { ...baseInteraction(core, ctx), type: InteractionType.MessageComponent, data, message } as unknown as APIInteraction);
}

function findComponent(components: readonly unknown[], customId: string): APIMessageComponent | undefined {
  for (const raw of components) {
    const component = raw as APIMessageComponent & { components?: unknown[] };
    if ('custom_id' in component && component.custom_id === customId) return component;
    const nested = component.components ? findComponent(component.components, customId) : undefined;
    if (nested) return nested;
  }
  return undefined;
}
