/** A local fake Discord (REST + gateway) for end-to-end tests with the real discord.js client. */
export { FakeDiscord } from './server.js';
export type { FakeDiscordOptions, InteractionRecord, VoiceServerLink } from './core.js';
export type { DefaultGuild, DefaultWorld } from './default-world.js';
export type { GatewaySession } from './gateway.js';
export type { FakeInteraction } from './interaction-handle.js';
export type { FakeUpload, MemberContext, SlashCommandInput, SlashOptionValue } from './member-actions.js';
export type { MemberPost } from './member-messages.js';
