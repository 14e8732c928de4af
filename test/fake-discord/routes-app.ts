import { RESTJSONErrorCodes, type ApplicationFlags, type APIApplication, type RESTGetAPIGatewayBotResult } from 'discord-api-types/v10';
import type { FakeCore } from './core.js';
import { DiscordHttpError, parseJson, unknown, type FakeRequest, type Router } from './http.js';

/** Gateway discovery, users, the application, guild reads and command registration. */
export function addApplicationRoutes(core: FakeCore, router: Router): void {
  let sessionStarts = 0;
  router.add('GET', '/gateway/bot', (req) => {
    core.requireBot(req);
    sessionStarts += 1;
    const result: RESTGetAPIGatewayBotResult = {
      url: `${core.origin.replace(/^http/, 'ws')}/gateway`,
      shards: 1,
      session_start_limit: { total: 1000, remaining: 1000 - sessionStarts, reset_after: 86_400_000, max_concurrency: 1 },
    };
    return { json: result };
  });
  router.add('GET', '/gateway', () => ({ json: { url: `${core.origin.replace(/^http/, 'ws')}/gateway` } }));

  router.add('GET', '/users/@me', (req) => {
    core.requireBot(req);
    return { json: core.bot };
  });
  router.add('GET', '/users/:userId', (req) => {
    core.requireBot(req);
    const user = core.world.users.get(req.params.userId!);
    if (!user) throw unknown(RESTJSONErrorCodes.UnknownUser, 'User');
    return { json: user };
  });
  router.add('GET', '/applications/@me', (req) => {
    core.requireBot(req);
    const app: APIApplication = {
      id: core.applicationId, name: core.bot.username, icon: null, description: '', bot_public: false,
      bot_require_code_grant: false, summary: '', verify_key: '0'.repeat(64), team: null, flags: 0 as ApplicationFlags, flags_new: '0', bot: core.bot,
    };
    return { json: app };
  });

  const guildOf = (req: FakeRequest): ReturnType<FakeCore['world']['guild']> => {
    core.requireBot(req);
    const guild = core.world.guilds.get(req.params.guildId!);
    if (!guild?.members.has(core.bot.id)) throw unknown(RESTJSONErrorCodes.UnknownGuild, 'Guild');
    return guild;
  };
  router.add('GET', '/guilds/:guildId', (req) => ({ json: core.world.guildCreate(guildOf(req).id, core.bot.id, false) }));
  router.add('GET', '/guilds/:guildId/channels', (req) => ({ json: [...guildOf(req).channels.values()] }));
  router.add('GET', '/guilds/:guildId/roles', (req) => ({ json: [...guildOf(req).roles.values()] }));
  router.add('GET', '/guilds/:guildId/members/:userId', (req) => {
    const member = core.world.apiMember(guildOf(req).id, req.params.userId!);
    if (!member) throw unknown(RESTJSONErrorCodes.UnknownMember, 'Member');
    return { json: member };
  });

  addCommandRoutes(core, router, '/applications/:appId/commands', () => undefined);
  addCommandRoutes(core, router, '/applications/:appId/guilds/:guildId/commands', (req) => guildOf(req).id);
}

function addCommandRoutes(core: FakeCore, router: Router, base: string, scopeOf: (req: FakeRequest) => string | undefined): void {
  const scope = (req: FakeRequest): string | undefined => {
    core.requireBot(req);
    if (req.params.appId !== core.applicationId) throw new DiscordHttpError(403, RESTJSONErrorCodes.MissingAccess, 'Missing Access');
    return scopeOf(req);
  };
  router.add('GET', base, (req) => ({ json: [...core.commands.scope(scope(req)).values()] }));
  router.add('PUT', base, (req) => {
    const commands = core.commands.bulkOverwrite(scope(req), parseJson(req.body));
    core.changed();
    return { json: commands };
  });
  router.add('POST', base, (req) => {
    const { command, created } = core.commands.upsert(scope(req), parseJson(req.body));
    core.changed();
    return { status: created ? 201 : 200, json: command };
  });
  router.add('GET', `${base}/:commandId`, (req) => ({ json: core.commands.get(scope(req), req.params.commandId!) }));
  router.add('PATCH', `${base}/:commandId`, (req) => {
    const command = core.commands.edit(scope(req), req.params.commandId!, parseJson(req.body));
    core.changed();
    return { json: command };
  });
  router.add('DELETE', `${base}/:commandId`, (req) => {
    const guildId = scope(req);
    core.commands.get(guildId, req.params.commandId!);
    core.commands.scope(guildId).delete(req.params.commandId!);
    core.changed();
    return { status: 204 };
  });
}
