import { Client, Events, GatewayIntentBits, Partials, type VoiceState } from 'discord.js';
import { GatewayDispatchEvents, GatewayOpcodes, type GatewayVoiceServerUpdateDispatchData } from 'discord-api-types/v10';
import { afterEach, describe, expect, it } from 'vitest';
import { FakeDiscord } from './index.js';

const started: { fake: FakeDiscord; clients: Client[] }[] = [];

async function setup(options: Parameters<typeof FakeDiscord.start>[0] = {}): Promise<{ fake: FakeDiscord; login: (intents: GatewayIntentBits[], token?: string) => Promise<Client<true>> }> {
  const fake = await FakeDiscord.start(options);
  const entry = { fake, clients: [] as Client[] };
  started.push(entry);
  const login = async (intents: GatewayIntentBits[], token = fake.token): Promise<Client<true>> => {
    const client = new Client({ intents, partials: [Partials.Message, Partials.Reaction], rest: { api: fake.restUrl, retries: 0 } });
    entry.clients.push(client);
    const ready = new Promise<Client<true>>((resolve) => client.once(Events.ClientReady, resolve));
    await client.login(token);
    return ready;
  };
  return { fake, login };
}

afterEach(async () => {
  for (const { fake, clients } of started.splice(0)) {
    await Promise.all(clients.map((c) => c.destroy()));
    await fake.stop();
  }
});

describe('fake Discord gateway', () => {
  it('refuses a wrong token at GET /gateway/bot, as Discord does', async () => {
    const { login } = await setup();
    await expect(login([GatewayIntentBits.Guilds], 'not-the-token')).rejects.toMatchObject({ code: 'TokenInvalid' });
  });

  it('closes with 4014 when a privileged intent is not allowed', async () => {
    const { fake, login } = await setup({ allowedPrivilegedIntents: 0 });
    await expect(login([GatewayIntentBits.Guilds, GatewayIntentBits.MessageContent])).rejects.toThrow();
    expect(fake.sessions).toHaveLength(0);
  });

  it('resumes a dropped session and replays what happened while it was away', async () => {
    const { fake, login } = await setup();
    const client = await login([GatewayIntentBits.Guilds, GatewayIntentBits.GuildMessages, GatewayIntentBits.MessageContent]);
    const [guild] = fake.defaults.guilds;
    const resumed = new Promise<void>((resolve) => client.once(Events.ShardResume, () => resolve()));
    fake.dropGatewayConnections();
    const posted = fake.postMessage({ channelId: guild.generalId, userId: fake.defaults.users.bob, content: 'while you were away' });
    const replayed = new Promise<string>((resolve) => client.once(Events.MessageCreate, (m) => resolve(m.id)));
    await resumed;
    expect(await replayed).toBe(posted.id);
    expect(fake.sessions).toHaveLength(1);
    expect(fake.core.gateway.received.filter((r) => r.op === Number(GatewayOpcodes.Resume))).toHaveLength(1);
  });

  it('answers member requests and voice state updates, honouring GUILD_VOICE_STATES', async () => {
    const { fake, login } = await setup({ voiceEndpoint: '127.0.0.1:1' });
    const client = await login([GatewayIntentBits.Guilds, GatewayIntentBits.GuildMembers, GatewayIntentBits.GuildVoiceStates]);
    const [guildData] = fake.defaults.guilds;
    const guild = client.guilds.cache.get(guildData.id)!;
    expect((await guild.members.fetch()).size).toBe(4);
    const joined = new Promise<VoiceState>((resolve) => client.once(Events.VoiceStateUpdate, (_old, now) => resolve(now)));
    fake.setVoiceState(guildData.id, fake.defaults.users.alice, guildData.voiceId);
    expect((await joined).channelId).toBe(guildData.voiceId);
    const server = new Promise<GatewayVoiceServerUpdateDispatchData>((resolve) => client.on(Events.Raw, (packet: { t?: string; d: unknown }) => {
      if (packet.t === String(GatewayDispatchEvents.VoiceServerUpdate)) resolve(packet.d as GatewayVoiceServerUpdateDispatchData);
    }));
    guild.shard.send({ op: GatewayOpcodes.VoiceStateUpdate, d: { guild_id: guild.id, channel_id: guildData.voiceId, self_mute: false, self_deaf: true } });
    expect((await server).endpoint).toBe('127.0.0.1:1');
    // VOICE_STATE_UPDATE was sent before VOICE_SERVER_UPDATE, so the client has applied it.
    expect(guild.members.me?.voice.channelId).toBe(guildData.voiceId);
    expect(guild.voiceStates.cache.size).toBe(2);
  });
});
