import {
  ApplicationCommandOptionType,
  ApplicationCommandType,
  type APIApplicationCommand,
  type APIApplicationCommandOption,
} from 'discord-api-types/v10';
import { asObject, invalidForm, unknown } from './http.js';
import type { SnowflakeFactory } from './snowflake.js';
import { RESTJSONErrorCodes } from 'discord-api-types/v10';

const CHAT_INPUT_NAME = /^[-_'\p{L}\p{N}\p{sc=Deva}\p{sc=Thai}]{1,32}$/u;

/**
 * Registered application commands, global and per guild, validated as Discord validates
 * them (names, descriptions, option order and counts, unique names per type).
 */
export class CommandRegistry {
  readonly global = new Map<string, APIApplicationCommand>();
  readonly perGuild = new Map<string, Map<string, APIApplicationCommand>>();

  constructor(
    private readonly ids: SnowflakeFactory,
    private readonly applicationId: string,
  ) {}

  /** The commands of one scope (a guild's, or global when guildId is undefined). */
  scope(guildId: string | undefined): Map<string, APIApplicationCommand> {
    if (guildId === undefined) return this.global;
    const map = this.perGuild.get(guildId) ?? new Map<string, APIApplicationCommand>();
    this.perGuild.set(guildId, map);
    return map;
  }

  /** PUT: replaces the scope's commands; commands keep their id when name and type match. */
  bulkOverwrite(guildId: string | undefined, body: unknown): APIApplicationCommand[] {
    if (!Array.isArray(body)) throw invalidForm('body', 'Expected an array of commands.');
    const scope = this.scope(guildId);
    const next = body.map((raw, i) => this.#build(guildId, asObject(raw), [...scope.values()], `${i}`));
    const keys = next.map((c) => `${c.type}:${c.name}`);
    if (new Set(keys).size !== keys.length) throw invalidForm('body', 'Application command names must be unique');
    scope.clear();
    for (const command of next) scope.set(command.id, command);
    return next;
  }

  /** POST: creates a command, or overwrites the one with the same name and type. */
  upsert(guildId: string | undefined, body: unknown): { command: APIApplicationCommand; created: boolean } {
    const scope = this.scope(guildId);
    const command = this.#build(guildId, asObject(body), [...scope.values()], 'body');
    const created = !scope.has(command.id);
    scope.set(command.id, command);
    return { command, created };
  }

  /** PATCH: changes fields of one command; its id stays, and the name must stay unique. */
  edit(guildId: string | undefined, id: string, body: unknown): APIApplicationCommand {
    const scope = this.scope(guildId);
    const current = this.get(guildId, id);
    const others = [...scope.values()].filter((c) => c.id !== id);
    const merged = { ...current, ...asObject(body), type: current.type };
    if (others.some((c) => c.name === merged.name && c.type === merged.type)) throw invalidForm('name', 'Application command names must be unique');
    const command = { ...this.#build(guildId, merged, others, 'body'), id };
    scope.set(id, command);
    return command;
  }

  /** The command with this id in the scope, or 404 Unknown Application Command (10063). */
  get(guildId: string | undefined, id: string): APIApplicationCommand {
    const command = this.scope(guildId).get(id);
    if (!command) throw unknown(RESTJSONErrorCodes.UnknownApplicationCommand, 'application command');
    return command;
  }

  /** The command a member in `guildId` sees under this name and type: guild first, then global. */
  resolve(guildId: string, name: string, type: ApplicationCommandType): APIApplicationCommand | undefined {
    const match = (c: APIApplicationCommand): boolean => c.name === name && c.type === type;
    return [...this.scope(guildId).values()].find(match) ?? [...this.global.values()].find(match);
  }

  #build(guildId: string | undefined, raw: Record<string, unknown>, existing: APIApplicationCommand[], at: string): APIApplicationCommand {
    const type = (raw.type ?? ApplicationCommandType.ChatInput) as ApplicationCommandType;
    if (![ApplicationCommandType.ChatInput, ApplicationCommandType.User, ApplicationCommandType.Message].includes(type)) {
      throw invalidForm(`${at}.type`, `unsupported command type ${String(type)}`);
    }
    const name = raw.name;
    const chatInput = type === ApplicationCommandType.ChatInput;
    if (typeof name !== 'string' || (chatInput ? !CHAT_INPUT_NAME.test(name) || name !== name.toLowerCase() : name.length < 1 || name.length > 32)) {
      throw invalidForm(`${at}.name`, `Invalid command name ${String(name)}`);
    }
    const description = raw.description ?? '';
    if (typeof description !== 'string' || (chatInput ? description.length < 1 || description.length > 100 : description !== '')) {
      throw invalidForm(`${at}.description`, chatInput ? 'Must be between 1 and 100 in length.' : 'Context menu commands cannot have a description');
    }
    const options = (raw.options ?? []) as APIApplicationCommandOption[];
    if (!Array.isArray(options) || (!chatInput && options.length > 0)) throw invalidForm(`${at}.options`, 'Invalid options');
    validateOptions(options, `${at}.options`);
    const previous = existing.find((c) => c.name === name && c.type === type);
    const permissions = raw.default_member_permissions;
    if (permissions !== undefined && permissions !== null && (typeof permissions !== 'string' || !/^\d+$/.test(permissions))) {
      throw invalidForm(`${at}.default_member_permissions`, 'Must be a permission bitfield string');
    }
    return {
      id: previous?.id ?? this.ids.next(),
      application_id: this.applicationId,
      ...(guildId !== undefined && { guild_id: guildId }),
      type,
      name,
      description,
      ...(options.length > 0 && { options }),
      default_member_permissions: (permissions) ?? null,
      nsfw: raw.nsfw === true,
      version: this.ids.next(),
      ...(raw.contexts !== undefined && { contexts: raw.contexts as APIApplicationCommand['contexts'] }),
      ...(raw.integration_types !== undefined && { integration_types: raw.integration_types as APIApplicationCommand['integration_types'] }),
    };
  }
}

function validateOptions(options: APIApplicationCommandOption[], at: string): void {
  if (options.length > 25) throw invalidForm(at, 'Must be 25 or fewer in length.');
  let sawOptional = false;
  const names = new Set<string>();
  options.forEach((option, i) => {
    const where = `${at}.${i}`;
    if (typeof option.name !== 'string' || !CHAT_INPUT_NAME.test(option.name) || option.name !== option.name.toLowerCase()) throw invalidForm(`${where}.name`, 'Invalid option name');
    if (names.has(option.name)) throw invalidForm(`${where}.name`, 'Option names must be unique');
    names.add(option.name);
    if (typeof option.description !== 'string' || option.description.length < 1 || option.description.length > 100) throw invalidForm(`${where}.description`, 'Must be between 1 and 100 in length.');
    if (!Object.values(ApplicationCommandOptionType).includes(option.type)) throw invalidForm(`${where}.type`, 'Invalid option type');
    const nested = option.type === ApplicationCommandOptionType.Subcommand || option.type === ApplicationCommandOptionType.SubcommandGroup;
    if (nested) {
      validateOptions(option.options ?? [], `${where}.options`);
      return;
    }
    const required = 'required' in option && option.required === true;
    if (required && sawOptional) throw invalidForm(`${where}.required`, 'Required options must be placed before non-required options');
    if (!required) sawOptional = true;
    const choices = 'choices' in option ? option.choices : undefined;
    const autocomplete = 'autocomplete' in option && option.autocomplete === true;
    if (choices && choices.length > 25) throw invalidForm(`${where}.choices`, 'Must be 25 or fewer in length.');
    if (choices && choices.length > 0 && autocomplete) throw invalidForm(`${where}.autocomplete`, 'Autocomplete cannot be set with choices');
  });
}
