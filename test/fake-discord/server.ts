import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { GatewayDispatchEvents, GatewayIntentBits, type APIApplicationCommand, type APIMessage, type APIUser } from 'discord-api-types/v10';
import { FakeCore, type FakeDiscordOptions } from './core.js';
import type { GatewaySession } from './gateway.js';
import { DiscordHttpError, errorResponse, readBody, Router, writeResponse, type FakeResponse } from './http.js';
import type { FakeInteraction } from './interaction-handle.js';
import { submitModal } from './member-modals.js';
import { runChatInput, runMessageCommand, runUserCommand, useComponent, type MemberContext, type SlashCommandInput } from './member-actions.js';
import { memberPost, memberReact, memberUnreact, type MemberPost } from './member-messages.js';
import { addApplicationRoutes } from './routes-app.js';
import { addChannelRoutes, addReactionRoutes } from './routes-channels.js';
import { addInteractionRoutes } from './routes-interactions.js';
import { botVoiceStateUpdate, requestMembers, setVoiceState } from './voice-and-members.js';
import { buildDefaultWorld, type DefaultWorld } from './default-world.js';
import type { World } from './world.js';

const MAX_BODY_BYTES = 30 * 1024 * 1024;

/**
 * A local fake Discord on 127.0.0.1 and a free port: REST under `restUrl` (`/api/v10/...`),
 * the gateway at `gatewayUrl`, and attachment downloads at `/attachments/...`. It keeps its
 * state across client connections, so a restarted bot finds its earlier messages.
 */
export class FakeDiscord {
  /** Ids of the default world: two guilds, their channels and roles, three members. */
  readonly defaults: DefaultWorld;

  private constructor(
    /** The state behind the fake; tests may read it, and build more of the world through `world`. */
    readonly core: FakeCore,
    private readonly server: Server,
  ) {
    this.defaults = buildDefaultWorld(core.world, core.bot.id);
  }

  /** Starts a fake on a free port, with the default world. */
  static async start(options: FakeDiscordOptions = {}): Promise<FakeDiscord> {
    const core = new FakeCore(options);
    core.handlers = { voiceStateUpdate: (s, d) => botVoiceStateUpdate(core, s, d), requestMembers: (s, d) => requestMembers(core, s, d) };
    const router = new Router();
    addApplicationRoutes(core, router);
    addChannelRoutes(core, router);
    addReactionRoutes(core, router);
    addInteractionRoutes(core, router);
    const server = createServer((req, res) => void handle(core, router, req, res));
    server.on('upgrade', (req, socket, head) => {
      if (new URL(req.url ?? '/', 'http://fake').pathname === '/gateway') core.gateway.handleUpgrade(req, socket, head);
      else socket.destroy();
    });
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(0, '127.0.0.1', () => resolve());
    });
    core.origin = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    return new FakeDiscord(core, server);
  }

  /** What to pass as discord.js `rest.api` (discord.js appends `/v10`). */
  get restUrl(): string {
    return `${this.core.origin}/api`;
  }

  /** The gateway URL that `GET /gateway/bot` hands out. */
  get gatewayUrl(): string {
    return `${this.core.origin.replace(/^http/, 'ws')}/gateway`;
  }

  /** The bot token the fake accepts. */
  get token(): string {
    return this.core.token;
  }

  /** The bot's user; its id is also the application id. */
  get bot(): APIUser {
    return this.core.bot;
  }

  /** Users, guilds, channels, roles and members: add to them before or during a test. */
  get world(): World {
    return this.core.world;
  }

  /** Gateway sessions so far (intents, compression asked for, events sent). */
  get sessions(): readonly GatewaySession[] {
    return this.core.gateway.sessions;
  }

  /** REST requests no route matched; tests assert this stays empty. */
  get unhandled(): readonly { method: string; path: string }[] {
    return this.core.unhandled;
  }

  /** Every REST request with the status answered. */
  get requests(): readonly { method: string; path: string; status: number }[] {
    return this.core.requests;
  }

  /** Commands registered for a guild, or globally when guildId is omitted. */
  commands(guildId?: string): APIApplicationCommand[] {
    return [...this.core.commands.scope(guildId).values()];
  }

  /** A member runs a registered slash command; the handle tracks the bot's answers. */
  runSlashCommand(input: SlashCommandInput): FakeInteraction {
    return runChatInput(this.core, input);
  }

  /** A member types in option `focused` of a slash command: an autocomplete interaction (type 4). */
  runAutocomplete(input: SlashCommandInput & { focused: string }): FakeInteraction {
    return runChatInput(this.core, input, input.focused);
  }

  /** A member uses a message context-menu command on a message (`resolved.messages` carries it). */
  runMessageCommand(ctx: MemberContext & { name: string; messageId: string }): FakeInteraction {
    return runMessageCommand(this.core, ctx, ctx.name, ctx.messageId);
  }

  /** A member uses a user context-menu command on another member. */
  runUserCommand(ctx: MemberContext & { name: string; targetUserId: string }): FakeInteraction {
    return runUserCommand(this.core, ctx, ctx.name, ctx.targetUserId);
  }

  /** The member submits the modal the bot opened in answer to `opener`, text inputs by custom_id. */
  submitModal(opener: FakeInteraction, values: Readonly<Record<string, string>>): FakeInteraction {
    return submitModal(this.core, opener, values);
  }

  /** A member picks `values` in the string select `customId` on a message. */
  clickSelect(ctx: MemberContext & { messageId: string; customId: string; values: string[] }): FakeInteraction {
    return useComponent(this.core, ctx, ctx.messageId, ctx.customId, ctx.values);
  }

  /** A member clicks the button `customId` on a message. */
  clickButton(ctx: MemberContext & { messageId: string; customId: string }): FakeInteraction {
    return useComponent(this.core, ctx, ctx.messageId, ctx.customId);
  }

  /** A member adds a reaction (unicode emoji); false if they had already. */
  react(userId: string, channelId: string, messageId: string, emoji: string): boolean {
    return memberReact(this.core, userId, channelId, messageId, emoji);
  }

  /** A member removes their reaction; false if they had none. */
  unreact(userId: string, channelId: string, messageId: string, emoji: string): boolean {
    return memberUnreact(this.core, userId, channelId, messageId, emoji);
  }

  /** A member posts a message, optionally with attachments. */
  postMessage(post: MemberPost): APIMessage {
    return memberPost(this.core, post);
  }

  /**
   * Adds the bot to a guild of the world; connected sessions with the Guilds intent get its
   * GUILD_CREATE, as when a bot is invited.
   */
  addBotToGuild(guildId: string, roleIds: string[] = []): void {
    this.core.world.addMember(guildId, this.core.bot.id, roleIds);
    for (const session of this.core.gateway.sessions) {
      if (!session.resumable || !(session.identify.intents & GatewayIntentBits.Guilds)) continue;
      const allMembers = (session.identify.intents & GatewayIntentBits.GuildMembers) !== 0;
      this.core.gateway.sendTo(session, GatewayDispatchEvents.GuildCreate, this.core.world.guildCreate(guildId, this.core.bot.id, allMembers));
    }
    this.core.changed();
  }

  /** A member joins (channelId) or leaves (null) a voice channel; VOICE_STATE_UPDATE follows. */
  setVoiceState(guildId: string, userId: string, channelId: string | null): void {
    setVoiceState(this.core, guildId, userId, channelId, this.core.ids.next());
  }

  /** A stored message as the bot sees it, or undefined. */
  message(channelId: string, messageId: string): APIMessage | undefined {
    const stored = this.core.messages.find(channelId, messageId);
    return stored && this.core.messages.toApi(stored, this.core.bot.id);
  }

  /** A channel's messages, oldest first (ephemeral ones excluded). */
  messagesIn(channelId: string): APIMessage[] {
    return this.core.messages.history(channelId, new URLSearchParams({ limit: '100' })).reverse().map((m) => this.core.messages.toApi(m, this.core.bot.id));
  }

  /** The bytes of an attachment, by id. */
  fileBytes(attachmentId: string): Buffer {
    const file = this.core.messages.files.get(attachmentId);
    if (!file) throw new Error(`fake-discord: no attachment ${attachmentId}`);
    return file.data;
  }

  /** Resolves with the first truthy `probe()`, re-checked on every change of the fake's state. */
  waitFor<T>(probe: () => T | undefined | null | false, timeoutMs = 5000, what = 'a condition'): Promise<T> {
    return this.core.waitFor(probe, timeoutMs, what);
  }

  /** Drops every gateway connection (code 4000 by default, so clients RESUME). */
  dropGatewayConnections(code?: number): void {
    this.core.gateway.dropConnections(code);
  }

  /** Closes the gateway and the HTTP server, open keep-alive sockets included. */
  async stop(): Promise<void> {
    await this.core.gateway.close();
    this.server.closeAllConnections();
    await new Promise<void>((resolve, reject) => this.server.close((error) => (error ? reject(error) : resolve())));
  }
}

async function handle(core: FakeCore, router: Router, req: IncomingMessage, res: ServerResponse): Promise<void> {
  const url = new URL(req.url ?? '/', core.origin);
  const method = req.method ?? 'GET';
  let response: FakeResponse;
  try {
    const body = await readBody(req, MAX_BODY_BYTES);
    response = (await route(core, router, method, url, req, body)) ?? notFound(core, method, url.pathname);
  } catch (error) {
    response = error instanceof DiscordHttpError ? errorResponse(error) : { status: 500, json: { code: 0, message: `fake-discord: ${String(error)}` } };
  }
  core.requests.push({ method, path: url.pathname, status: response.status ?? 200 });
  writeResponse(res, response);
}

function route(core: FakeCore, router: Router, method: string, url: URL, req: IncomingMessage, body: Buffer): FakeResponse | Promise<FakeResponse> | undefined {
  const file = /^\/attachments\/(\d+)\/(\d+)\/[^/]+$/.exec(url.pathname);
  if (file && method === 'GET') {
    const stored = core.messages.files.get(file[2]!);
    if (!stored || stored.channelId !== file[1]) return { status: 404, bytes: Buffer.from('Not Found'), contentType: 'text/plain' };
    return { bytes: stored.data, contentType: stored.attachment.content_type ?? 'application/octet-stream' };
  }
  if (!url.pathname.startsWith('/api/v10/')) return undefined;
  const path = url.pathname.slice('/api/v10'.length);
  const match = router.match(method, path);
  if (!match) return undefined;
  return match.handler({ method, path, params: match.params, query: url.searchParams, headers: req.headers, body });
}

function notFound(core: FakeCore, method: string, path: string): FakeResponse {
  core.unhandled.push({ method, path });
  return { status: 404, json: { message: '404: Not Found', code: 0 } };
}
