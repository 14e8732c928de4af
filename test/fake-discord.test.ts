import { crc32, deflateSync } from 'node:zlib';
import {
  ActionRowBuilder,
  Client,
  DiscordAPIError,
  Events,
  GatewayIntentBits,
  Partials,
  StringSelectMenuBuilder,
  type Interaction,
  type MessageReaction,
  type PartialMessageReaction,
  type TextChannel,
} from 'discord.js';
import { ApplicationCommandOptionType, ApplicationCommandType, GatewayDispatchEvents, InteractionResponseType, MessageFlags, PermissionFlagsBits } from 'discord-api-types/v10';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { FakeDiscord } from './fake-discord/index.js';

/** A real 2x1 RGB PNG, so that the fake can report its size as Discord does. */
function tinyPng(): Buffer {
  const chunk = (type: string, data: Buffer): Buffer => {
    const body = Buffer.concat([Buffer.from(type), data]);
    const out = Buffer.alloc(body.length + 8);
    out.writeUInt32BE(data.length, 0);
    body.copy(out, 4);
    out.writeUInt32BE(crc32(body), body.length + 4);
    return out;
  };
  const ihdr = Buffer.alloc(13);
  ihdr.writeUInt32BE(2, 0);
  ihdr.writeUInt32BE(1, 4);
  ihdr.set([8, 2, 0, 0, 0], 8);
  const pixels = deflateSync(Buffer.from([0, 255, 0, 0, 0, 0, 255]));
  return Buffer.concat([Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]), chunk('IHDR', ihdr), chunk('IDAT', pixels), chunk('IEND', Buffer.alloc(0))]);
}

const PNG = tinyPng();
const AUDIO = Buffer.concat([Buffer.from('RIFF\x24\x00\x00\x00WAVEfmt ', 'latin1'), Buffer.from(Array.from({ length: 2000 }, (_, i) => (i * 37) % 256))]);
const ALL_INTENTS = [GatewayIntentBits.Guilds, GatewayIntentBits.GuildMessages, GatewayIntentBits.GuildMessageReactions, GatewayIntentBits.MessageContent];

let fake: FakeDiscord;
const clients: Client[] = [];

/** Logs a real discord.js client into the fake; the ready listener is attached before login(). */
async function connect(intents = ALL_INTENTS): Promise<Client<true>> {
  const client = new Client({
    intents,
    partials: [Partials.Message, Partials.Channel, Partials.Reaction, Partials.User],
    rest: { api: fake.restUrl, retries: 0 },
  });
  clients.push(client);
  const ready = new Promise<Client<true>>((resolve) => client.once(Events.ClientReady, resolve));
  await client.login(fake.token);
  return ready;
}

/** The bot's side of /classify: defer, download the attachment, answer with an embed and a PNG, vote reactions. */
function installClassifyHandler(client: Client, downloaded: Buffer[]): void {
  client.on(Events.InteractionCreate, (interaction: Interaction) => {
    if (!interaction.isChatInputCommand() || interaction.commandName !== 'classify') return;
    void (async () => {
      await interaction.deferReply();
      const attachment = interaction.options.getAttachment('file', true);
      downloaded.push(Buffer.from(await (await fetch(attachment.url)).arrayBuffer()));
      await interaction.editReply({ embeds: [{ title: 'Genre: jazz', image: { url: 'attachment://chart.png' } }], files: [{ attachment: PNG, name: 'chart.png' }] });
      const reply = await interaction.fetchReply();
      await reply.react('👍');
      await reply.react('👎');
    })();
  });
}

beforeAll(async () => {
  fake = await FakeDiscord.start({ heartbeatIntervalMs: 1000 });
});

afterAll(async () => {
  await Promise.all(clients.map((c) => c.destroy()));
  await fake.stop();
});

describe('the real discord.js client against the fake Discord', () => {
  let bot: Client<true>;
  let answerId = '';
  const [guildA, guildB] = [() => fake.defaults.guilds[0], () => fake.defaults.guilds[1]];

  it('logs in without compression, caches both guilds, and heartbeats', async () => {
    bot = await connect();
    expect(bot.user.id).toBe(fake.bot.id);
    expect([...bot.guilds.cache.keys()].sort()).toEqual([guildA().id, guildB().id].sort());
    expect(bot.guilds.cache.get(guildA().id)?.channels.cache.get(guildA().generalId)?.name).toBe('general');
    const session = fake.sessions[0]!;
    expect(session.compressRequested).toBeNull();
    expect(session.identify.compress).toBe(false);
    await fake.waitFor(() => fake.core.gateway.received.some((r) => r.op === 1), 3000, 'a heartbeat');
  });

  it('registers commands, then answers /classify with a deferral, an embed + PNG edit and vote reactions', async () => {
    await bot.application.commands.set([
      { name: 'classify', description: 'Guess the genre', options: [{ name: 'file', description: 'Audio', type: ApplicationCommandOptionType.Attachment, required: true }] },
      { name: 'Find similar', type: ApplicationCommandType.Message },
    ]);
    await bot.application.commands.set([{ name: 'admin', description: 'DJ only', defaultMemberPermissions: PermissionFlagsBits.ManageGuild }], guildA().id);
    expect(fake.commands().map((c) => c.name).sort()).toEqual(['Find similar', 'classify']);
    const downloaded: Buffer[] = [];
    installClassifyHandler(bot, downloaded);
    const run = fake.runSlashCommand({ guildId: guildA().id, channelId: guildA().generalId, userId: fake.defaults.users.bob, name: 'classify', options: { file: { filename: 'song.wav', data: AUDIO, contentType: 'audio/wav' } } });
    expect((await run.acknowledged()).type).toBe(InteractionResponseType.DeferredChannelMessageWithSource);
    const answer = await run.response((m) => (m.reactions?.length ?? 0) === 2);
    answerId = answer.id;
    expect(downloaded[0]?.equals(AUDIO)).toBe(true);
    expect(answer.embeds[0]?.title).toBe('Genre: jazz');
    expect(answer.embeds[0]?.image?.url).toBe(answer.attachments[0]?.url);
    expect(answer.attachments[0]).toMatchObject({ filename: 'chart.png', width: 2, height: 1, content_type: 'image/png' });
    expect(run.files()[0]?.data.equals(PNG)).toBe(true);
    expect(answer.reactions?.map((r) => [r.emoji.name, r.count, r.me])).toEqual([['👍', 1, true], ['👎', 1, true]]);
    expect((answer.flags ?? 0) & MessageFlags.Loading).toBe(0);
  });

  it('delivers a member reaction on an uncached message as a partial that can be fetched', async () => {
    const channel = bot.channels.cache.get(guildA().generalId) as TextChannel;
    channel.messages.cache.clear();
    // The bot's own 👍/👎 come back over the gateway too (as on Discord): wait for carol's.
    const seen = new Promise<{ reaction: MessageReaction | PartialMessageReaction; partial: boolean }>((resolve) =>
      bot.on(Events.MessageReactionAdd, (reaction, user) => {
        if (user.id === fake.defaults.users.carol) resolve({ reaction, partial: reaction.message.partial });
      }));
    expect(fake.react(fake.defaults.users.carol, guildA().generalId, answerId, '👍')).toBe(true);
    const { reaction, partial } = await seen;
    expect(partial).toBe(true);
    const full = await reaction.fetch();
    const message = await full.message.fetch();
    expect(message.embeds[0]?.title).toBe('Genre: jazz');
    expect(message.reactions.cache.get('👍')?.count).toBe(2);
    expect([...(await full.users.fetch()).keys()].sort()).toEqual([fake.bot.id, fake.defaults.users.carol].sort());
    const removed = new Promise<string>((resolve) => bot.once(Events.MessageReactionRemove, (r, user) => resolve(`${r.emoji.name ?? ''} ${user.id}`)));
    fake.unreact(fake.defaults.users.carol, guildA().generalId, answerId, '👍');
    expect(await removed).toBe(`👍 ${fake.defaults.users.carol}`);
  });

  it('honours intents: a client without GuildMessageReactions receives no reaction events', async () => {
    const deaf = await connect([GatewayIntentBits.Guilds, GatewayIntentBits.GuildMessages]);
    const deafSession = fake.sessions.at(-1)!;
    let deafEvents = 0;
    deaf.on(Events.MessageReactionAdd, () => (deafEvents += 1));
    const heard = new Promise<void>((resolve) => bot.on(Events.MessageReactionAdd, (r) => r.emoji.name === '🔥' && resolve()));
    fake.react(fake.defaults.users.bob, guildA().generalId, answerId, '🔥');
    await heard;
    const posted = new Promise<string>((resolve) => deaf.once(Events.MessageCreate, (m) => resolve(m.content)));
    fake.postMessage({ channelId: guildA().generalId, userId: fake.defaults.users.bob, content: 'secret words' });
    expect(await posted).toBe('');
    expect(deafEvents).toBe(0);
    expect(deafSession.sent.some((e) => e.t === String(GatewayDispatchEvents.MessageReactionAdd))).toBe(false);
    await deaf.destroy();
  });

  it('serves context-menu, select-menu and autocomplete interactions and enforces command permissions in two guilds', async () => {
    await bot.application.commands.create({ name: 'genre', description: 'Pick', options: [{ name: 'name', description: 'Genre', type: ApplicationCommandOptionType.String, autocomplete: true }] });
    bot.on(Events.InteractionCreate, (interaction) => {
      void (async () => {
        if (interaction.isMessageContextMenuCommand()) {
          const menu = new StringSelectMenuBuilder().setCustomId('pick').addOptions({ label: 'Jazz', value: 'jazz' }, { label: 'Rock', value: 'rock' });
          await interaction.reply({ content: `similar to ${interaction.targetMessage.id}`, components: [new ActionRowBuilder<StringSelectMenuBuilder>().addComponents(menu)] });
        } else if (interaction.isStringSelectMenu()) {
          await interaction.update({ content: `picked ${interaction.values.join(',')} (${interaction.memberPermissions?.has('ManageGuild') ? 'dj' : 'member'})`, components: [] });
        } else if (interaction.isAutocomplete()) {
          await interaction.respond([{ name: 'Jazz', value: 'jazz' }].filter((c) => c.value.startsWith(interaction.options.getFocused())));
        }
      })();
    });
    const ctx = { guildId: guildB().id, channelId: guildB().generalId, userId: fake.defaults.users.carol };
    const target = fake.postMessage({ channelId: ctx.channelId, userId: ctx.userId, content: 'a track' });
    const menuRun = fake.runMessageCommand({ ...ctx, name: 'Find similar', messageId: target.id });
    const menuMessage = await menuRun.response();
    expect(menuMessage.content).toBe(`similar to ${target.id}`);
    const pick = fake.clickSelect({ ...ctx, messageId: menuMessage.id, customId: 'pick', values: ['rock'] });
    expect((await pick.response((m) => m.content.startsWith('picked'))).content).toBe('picked rock (member)');
    const auto = fake.runAutocomplete({ ...ctx, name: 'genre', options: { name: 'ja' }, focused: 'name' });
    await auto.acknowledged();
    expect(auto.autocompleteChoices()).toEqual([{ name: 'Jazz', value: 'jazz' }]);
    // /admin is registered in guild A only, and needs Manage Guild: carol may not, bob (DJ) may.
    expect(() => fake.runSlashCommand({ ...ctx, name: 'admin' })).toThrow(/no command admin/);
    expect(() => fake.runSlashCommand({ guildId: guildA().id, channelId: guildA().generalId, userId: fake.defaults.users.carol, name: 'admin' })).toThrow(/lacks permissions/);
  });

  it('refuses what Discord refuses: a second callback, a read in a hidden channel', async () => {
    const acked = new Promise<unknown>((resolve) => {
      bot.once(Events.InteractionCreate, (interaction) => {
        if (!interaction.isChatInputCommand()) return;
        void interaction.reply('one').then(() => interaction.followUp('two')).then(() => fake.core.interactions.get(interaction.id))
          .then(async (record) => {
            await bot.rest.post(`/interactions/${interaction.id}/${record!.payload.token}/callback`, { body: { type: 4, data: { content: 'three' } }, auth: false }).catch(resolve);
          });
      });
    });
    fake.runSlashCommand({ guildId: guildA().id, channelId: guildA().generalId, userId: fake.defaults.users.alice, name: 'genre' });
    const error = await acked;
    expect(error).toBeInstanceOf(DiscordAPIError);
    expect((error as DiscordAPIError).code).toBe(40060);
    await expect(bot.rest.get(`/channels/${guildA().staffId}/messages`)).rejects.toMatchObject({ code: 50001 });
  });

  it('lets a restarted bot log in again and read the earlier messages', async () => {
    await bot.destroy();
    expect(fake.sessions[0]!.resumable).toBe(false);
    const restarted = await connect();
    const channel = (await restarted.channels.fetch(guildA().generalId)) as TextChannel;
    const history = await channel.messages.fetch({ limit: 10 });
    const answer = history.get(answerId);
    expect(answer?.embeds[0]?.title).toBe('Genre: jazz');
    expect(answer?.reactions.cache.get('👍')?.me).toBe(true);
    expect(fake.unhandled).toEqual([]);
    expect(fake.requests.filter((r) => r.status >= 500)).toEqual([]);
  });
});
