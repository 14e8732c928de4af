import { ActionRowBuilder, Client, DiscordAPIError, Events, ModalBuilder, TextInputBuilder, TextInputStyle, GatewayIntentBits, MessageFlags, type ChatInputCommandInteraction, type Message } from 'discord.js';
import { ApplicationCommandOptionType, ApplicationCommandType } from 'discord-api-types/v10';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { FakeDiscord } from './index.js';

let fake: FakeDiscord;
let bot: Client<true>;
let handler: (interaction: ChatInputCommandInteraction) => Promise<void> = () => Promise.resolve();
const errors: unknown[] = [];

beforeAll(async () => {
  fake = await FakeDiscord.start({ interactionResponseTimeoutMs: 1000 });
  bot = new Client({ intents: [GatewayIntentBits.Guilds, GatewayIntentBits.GuildMessages], rest: { api: fake.restUrl, retries: 0 } });
  const ready = new Promise<Client<true>>((resolve) => bot.once(Events.ClientReady, resolve));
  await bot.login(fake.token);
  await ready;
  await bot.application.commands.set([{ name: 'go', description: 'Run the handler', options: [{ name: 'n', description: 'A number', type: ApplicationCommandOptionType.Integer, required: false }] }]);
  bot.on(Events.InteractionCreate, (interaction) => {
    if (interaction.isChatInputCommand()) handler(interaction).catch((error: unknown) => errors.push(error));
  });
});

afterAll(async () => {
  await bot.destroy();
  await fake.stop();
});

const ctx = (): { guildId: string; channelId: string; userId: string } => ({ guildId: fake.defaults.guilds[0].id, channelId: fake.defaults.guilds[0].generalId, userId: fake.defaults.users.bob });

describe('fake Discord interactions', () => {
  it('keeps an ephemeral deferred reply out of the channel, and stores several files of an edit', async () => {
    handler = async (interaction) => {
      await interaction.deferReply({ flags: MessageFlags.Ephemeral });
      await interaction.editReply({ content: 'two files', files: [{ attachment: Buffer.from('a'), name: 'a.txt' }, { attachment: Buffer.from('bb'), name: 'b.txt' }] });
      await interaction.fetchReply();
    };
    const run = fake.runSlashCommand({ ...ctx(), name: 'go' });
    const answer = await run.response();
    expect(answer.flags! & MessageFlags.Ephemeral).toBe(MessageFlags.Ephemeral);
    expect(run.files().map((f) => f.data.toString())).toEqual(['a', 'bb']);
    expect(fake.messagesIn(ctx().channelId).some((m) => m.id === answer.id)).toBe(false);
    expect(fake.sessions[0]!.sent.some((e) => (e.d as { id?: string }).id === answer.id)).toBe(false);
  });

  it('returns the callback resource with withResponse, and posts followups', async () => {
    let resourceMessageId: string | undefined;
    handler = async (interaction) => {
      const response = await interaction.reply({ content: `n=${interaction.options.getInteger('n')}`, withResponse: true });
      resourceMessageId = response.resource?.message?.id;
      await interaction.followUp({ content: 'and one more' });
    };
    const run = fake.runSlashCommand({ ...ctx(), name: 'go', options: { n: 7 } });
    const answer = await run.response();
    await fake.waitFor(() => run.followups().length === 1, 2000, 'a followup');
    expect(answer.content).toBe('n=7');
    expect(resourceMessageId).toBe(answer.id);
    expect(run.followups()[0]?.content).toBe('and one more');
  });

  it('answers 10062 Unknown interaction to a callback that comes too late', async () => {
    const failed = new Promise<unknown>((resolve) => {
      handler = async (interaction) => {
        await new Promise((wait) => setTimeout(wait, 1100));
        await interaction.reply('too late').catch(resolve);
      };
    });
    fake.runSlashCommand({ ...ctx(), name: 'go' });
    const error = await failed;
    expect(error).toBeInstanceOf(DiscordAPIError);
    expect((error as DiscordAPIError).code).toBe(10062);
  });

  it('runs user commands, and submits the modal a command opened', async () => {
    const guildId = fake.defaults.guilds[0].id;
    await bot.application.commands.create({ name: 'Profile', type: ApplicationCommandType.User }, guildId);
    const users: string[] = [];
    bot.on(Events.InteractionCreate, (interaction) => {
      if (interaction.isUserContextMenuCommand()) void interaction.showModal(new ModalBuilder().setCustomId('note').setTitle('Note').addComponents(
        new ActionRowBuilder<TextInputBuilder>().addComponents(new TextInputBuilder().setCustomId('text').setLabel('Text').setStyle(TextInputStyle.Short).setMaxLength(10)),
      )).then(() => users.push(interaction.targetUser.username));
      if (interaction.isModalSubmit()) void interaction.reply(`noted: ${interaction.fields.getTextInputValue('text')}`);
    });
    const opener = fake.runUserCommand({ ...ctx(), name: 'Profile', targetUserId: fake.defaults.users.carol });
    await fake.waitFor(() => opener.modal(), 2000, 'the modal');
    expect(() => fake.submitModal(opener, { text: 'far too long for it' })).toThrow(/characters/);
    const submit = fake.submitModal(opener, { text: 'great dig' });
    expect((await submit.response()).content).toBe('noted: great dig');
    expect(users).toEqual(['carol']);
  });

  it('validates, edits and deletes commands as Discord does', async () => {
    const guildId = fake.defaults.guilds[1].id;
    await expect(bot.application.commands.create({ name: 'Bad Name', description: 'x' })).rejects.toMatchObject({ code: 50035 });
    const created = await bot.application.commands.create({ name: 'temp', description: 'temp' }, guildId);
    const edited = await created.edit({ description: 'changed' });
    expect(edited.id).toBe(created.id);
    expect(fake.commands(guildId).map((c) => c.description)).toEqual(['changed']);
    await created.delete();
    expect(fake.commands(guildId)).toEqual([]);
  });

  it('strips content without MESSAGE_CONTENT unless the bot is mentioned, and serves member attachments', async () => {
    const seen: Message[] = [];
    const both = new Promise<void>((resolve) => bot.on(Events.MessageCreate, (m) => seen.push(m) === 2 && resolve()));
    fake.postMessage({ channelId: ctx().channelId, userId: ctx().userId, content: 'hidden', attachments: [{ filename: 'x.bin', data: Buffer.from([1, 2, 3]) }] });
    const mention = fake.postMessage({ channelId: ctx().channelId, userId: ctx().userId, content: 'hello bot', mentionBot: true, attachments: [{ filename: 'song.wav', data: Buffer.from([9, 8, 7]), contentType: 'audio/wav' }] });
    await both;
    expect(seen.map((m) => m.content)).toEqual(['', `<@${fake.bot.id}> hello bot`]);
    expect(seen[0]?.attachments.size).toBe(0);
    const url = seen[1]!.attachments.first()!.url;
    expect(seen[1]!.id).toBe(mention.id);
    const response = await fetch(url);
    expect(response.headers.get('content-type')).toBe('audio/wav');
    expect(Buffer.from(await response.arrayBuffer())).toEqual(Buffer.from([9, 8, 7]));
    expect(fake.unhandled).toEqual([]);
    expect(errors).toEqual([]);
  });

  it('answers an unknown route 404 in the shape Discord uses, and records it', async () => {
    const path = `/guilds/${fake.defaults.guilds[0].id}/bans` as const;
    await expect(bot.rest.get(path)).rejects.toMatchObject({ status: 404, code: 0 });
    expect(fake.unhandled).toEqual([{ method: 'GET', path: `/api/v10${path}` }]);
  });
});
