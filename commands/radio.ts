import { InteractionContextType, SlashCommandBuilder } from 'discord.js';
import { defineCommand } from '../src/bot/command.js';
import { requireGuild } from '../src/bot/permissions.js';
import { callerVoiceChannel } from '../src/bot/voice/command-support.js';
import { trackLabel } from '../src/bot/voice/now-playing.js';
import { genreOf, libraryTrack, seedChoices } from '../src/bot/voice/track-choice.js';
import { GENRES } from '../src/ml/genres.js';
import type { RadioSeed } from '../src/recs/radio.js';

/** `/radio [seed]`: endless recommendations for the people in the channel, optionally seeded by a track or genre. */
export const radio = defineCommand({
  kind: 'slash',
  data: new SlashCommandBuilder()
    .setName('radio')
    .setDescription('Endless music for the people in your voice channel, learnt from their 👍, 👎 and skips')
    .setContexts(InteractionContextType.Guild)
    .addStringOption((o) => o.setName('seed').setDescription('Start from a track or a genre (type to search)').setAutocomplete(true).setMaxLength(100))
    .toJSON(),
  async execute(interaction, deps) {
    const guildId = requireGuild(interaction);
    const voiceChannelId = callerVoiceChannel(interaction);
    const typed = interaction.options.getString('seed');
    let seed: RadioSeed | undefined;
    let label = '';
    if (typed !== null) {
      const genre = genreOf(typed);
      if (genre) [seed, label] = [{ genre: GENRES.indexOf(genre) }, ` seeded with ${genre}`];
      else {
        const track = await libraryTrack(deps.stores.tracks, guildId, typed);
        [seed, label] = [{ trackId: track.id }, ` seeded with ${trackLabel(track)}`];
      }
    }
    await interaction.deferReply();
    const player = await deps.voice.join(guildId, voiceChannelId, interaction.channelId);
    await player.startRadio(seed);
    await interaction.editReply({ content: `📻 Radio on${label}: when the queue runs out I pick for everyone in <#${voiceChannelId}>. 👍/👎 and skips teach me.`, allowedMentions: { parse: [] } });
  },
  async autocomplete(interaction, deps) {
    await seedChoices(interaction, deps.stores.tracks, requireGuild(interaction));
  },
});
