import { InteractionContextType, SlashCommandBuilder, escapeMarkdown, type ChatInputCommandInteraction } from 'discord.js';
import { interactionTarget } from '../src/bot/answer.js';
import { looksLikeAudio, toUpload } from '../src/bot/audio-attachments.js';
import { checkUpload, classifyUpload } from '../src/bot/classify-flow.js';
import { defineCommand } from '../src/bot/command.js';
import type { Deps } from '../src/bot/deps.js';
import { UserError } from '../src/bot/errors.js';
import { requireGuild } from '../src/bot/permissions.js';
import { DEFAULT_COUNT, MAX_COUNT } from '../src/bot/recommend.js';
import { findLibraryTrack, likeChoices, showRecommendations } from '../src/bot/recommend-reply.js';
import { contentHash } from '../src/jobs/hash.js';
import { GENRES, isGenre, type Genre } from '../src/ml/genres.js';

const data = new SlashCommandBuilder()
  .setName('recommend')
  .setDescription('Tracks from this server\'s library you may like; react 👍/👎 to teach me')
  .setContexts(InteractionContextType.Guild)
  .addStringOption((o) => o.setName('for').setDescription('Your taste (default) or the whole server\'s')
    .addChoices({ name: 'me', value: 'me' }, { name: 'server', value: 'server' }))
  .addStringOption((o) => o.setName('like').setDescription('Tracks that sound like this library track').setAutocomplete(true).setMaxLength(100))
  .addAttachmentOption((o) => o.setName('file').setDescription('Tracks that sound like this audio file (it is classified and added first)'))
  .addStringOption((o) => o.setName('genre').setDescription('Only this genre').addChoices(...GENRES.map((g) => ({ name: g, value: g }))))
  .addIntegerOption((o) => o.setName('count').setDescription(`How many tracks (1-${MAX_COUNT}, default ${DEFAULT_COUNT})`).setMinValue(1).setMaxValue(MAX_COUNT))
  .toJSON();

/**
 * Classifies the member's file through the classify flow (its answer is the reply), and returns
 * the track's id once it is in the library; undefined when it failed (the member was told why).
 */
async function classifyFile(interaction: ChatInputCommandInteraction, deps: Deps, guildId: string): Promise<string | undefined> {
  const upload = toUpload(interaction.options.getAttachment('file', true));
  let hash: string | undefined;
  // The flow downloads the file itself: the bytes it gets name the track.
  const download: Deps['download'] = async (url, options) => {
    const bytes = await deps.download(url, options);
    hash = contentHash(bytes);
    return bytes;
  };
  const target = interactionTarget(deps.client, { applicationId: interaction.applicationId, token: interaction.token, useOriginal: true, channelId: interaction.channelId });
  const outcome = await classifyUpload({
    guildId, channelId: interaction.channelId, userId: interaction.user.id, upload,
    interaction: { applicationId: interaction.applicationId, token: interaction.token, createdAt: interaction.createdAt },
  }, `r:${interaction.id}:0`, target, { ...deps, download });
  return outcome === 'failed' ? undefined : hash;
}

/**
 * `/recommend [for] [like] [file] [genre] [count]`: each pick is its own message with 👍/👎
 * (a reaction there is a vote on that track), below a reply that says what the picks are based on.
 */
export const recommend = defineCommand({
  kind: 'slash',
  data,
  async execute(interaction, deps) {
    const guildId = requireGuild(interaction);
    const scope = interaction.options.getString('for') === 'server' ? 'server' : 'me';
    const genreName = interaction.options.getString('genre');
    if (genreName !== null && !isGenre(genreName)) throw new UserError(`Pick one of the listed genres: ${GENRES.join(', ')}.`);
    const genre: Genre | undefined = genreName ?? undefined;
    const count = interaction.options.getInteger('count') ?? DEFAULT_COUNT;
    const likeText = interaction.options.getString('like');
    const attachment = interaction.options.getAttachment('file');
    if (likeText !== null && attachment !== null) throw new UserError('Give either `like:` (a library track) or `file:` (an audio file), not both.');
    if (attachment !== null) {
      const upload = toUpload(attachment);
      if (!looksLikeAudio(upload)) throw new UserError(`❌ **${escapeMarkdown(upload.fileName)}** doesn't look like audio. Send an mp3, ogg, opus, flac, wav or m4a file.`);
      checkUpload(upload, deps.settings.maxUploadBytes);
    }
    const likeTrackId = likeText !== null ? (await findLibraryTrack(deps, guildId, likeText)).id : undefined;
    await interaction.deferReply();
    if (attachment !== null) {
      const id = await classifyFile(interaction, deps, guildId);
      if (id === undefined) return;
      await showRecommendations(interaction, deps, { guildId, userId: interaction.user.id, scope, likeTrackId: id, ...(genre && { genre }), count }, { replyAsFollowup: true });
      return;
    }
    await showRecommendations(interaction, deps, { guildId, userId: interaction.user.id, scope, ...(likeTrackId !== undefined && { likeTrackId }), ...(genre && { genre }), count }, { replyAsFollowup: false });
  },
  async autocomplete(interaction, deps) {
    const guildId = requireGuild(interaction);
    await interaction.respond(await likeChoices(deps, guildId, interaction.options.getFocused()));
  },
});
