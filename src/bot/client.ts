import { Client, Events, GatewayIntentBits, Partials } from 'discord.js';
import type { Logger } from 'pino';

/**
 * The bot's discord.js client: guilds, messages, reactions and voice states, with the partials that let
 * reactions on messages from before a restart arrive. `messageContent` adds the privileged
 * Message Content intent (attachments of members' messages, for auto-classify and import).
 * `apiUrl` points REST at another Discord (the tests' fake).
 */
export function createClient(logger: Logger, options: { apiUrl?: string; messageContent: boolean }): Client {
  const { apiUrl, messageContent } = options;
  const client = new Client({
    intents: [
      GatewayIntentBits.Guilds, GatewayIntentBits.GuildMessages, GatewayIntentBits.GuildMessageReactions,
      // Who is in which voice channel: joining the caller's channel, listeners, leaving an empty one.
      GatewayIntentBits.GuildVoiceStates,
      ...(messageContent ? [GatewayIntentBits.MessageContent] : []),
    ],
    partials: [Partials.Message, Partials.Channel, Partials.Reaction, Partials.User],
    allowedMentions: { parse: [] },
    ...(apiUrl !== undefined && { rest: { api: apiUrl } }),
  });
  client.on(Events.Error, (error) => logger.error({ err: error }, 'discord client error'));
  client.on(Events.Warn, (message) => logger.warn({ detail: message }, 'discord client warning'));
  client.on(Events.ShardError, (error, shardId) => logger.error({ err: error, shardId }, 'gateway error'));
  client.on(Events.ShardReconnecting, (shardId) => logger.info({ shardId }, 'gateway reconnecting'));
  return client;
}

/** True for the login error of a bot whose privileged intents are not enabled in the developer portal. */
export function isDisallowedIntents(error: unknown): boolean {
  return error instanceof Error && /disallowed intents/i.test(error.message);
}

/** Logs in and resolves once the client is ready (the listener is attached before login). */
export async function loginAndWait(client: Client, token: string): Promise<Client<true>> {
  const ready = new Promise<Client<true>>((resolve) => client.once(Events.ClientReady, resolve));
  await client.login(token);
  return ready;
}
