import {
  ActionRowBuilder,
  ButtonBuilder,
  ButtonStyle,
  EmbedBuilder,
  escapeMarkdown,
  type BaseMessageOptions,
  type Client,
  type Message,
} from 'discord.js';
import type { Logger } from 'pino';
import type { TrackMessageIndex } from '../../store/track-message-index.js';
import { VOTES, formatDuration } from '../track-embed.js';
import type { QueuedTrack } from './track-queue.js';

/** Custom id prefix of the player's buttons: `player:<action>:<guildId>`. */
export const PLAYER_BUTTON_PREFIX = 'player';
/** The actions of the now-playing buttons. */
export type PlayerButton = 'skip' | 'pause' | 'resume';

/** What the now-playing message shows besides the track. */
export interface NowPlayingState {
  paused: boolean;
  volumePercent: number;
  radio: boolean;
  /** Tracks waiting after this one. */
  upNext: number;
}

/** `**Title** by Artist` with markdown escaped. */
export function trackLabel(t: Pick<QueuedTrack, 'title' | 'artist'>): string {
  return `**${escapeMarkdown(t.title)}**${t.artist ? ` by ${escapeMarkdown(t.artist)}` : ''}`;
}

/** The now-playing message: the track, who asked (or why the radio chose it), 👍/👎 hint, buttons. */
export function nowPlayingMessage(guildId: string, track: QueuedTrack, state: NowPlayingState, ended = false): BaseMessageOptions {
  const lines = [
    `${trackLabel(track)} · ${formatDuration(track.durationS)}`,
    track.requestedBy ? `requested by <@${track.requestedBy}>` : (track.reason ?? 'radio'),
    ended ? '' : `🔊 ${state.volumePercent}%${state.radio ? ' · 📻 radio on' : ''}${state.upNext > 0 ? ` · ${state.upNext} up next` : ''}`,
    `React ${VOTES.up} or ${VOTES.down} to teach me this server's taste.`,
  ].filter((l) => l !== '');
  const embed = new EmbedBuilder().setTitle(ended ? 'Played' : state.paused ? '⏸️ Paused' : '🎶 Now playing').setDescription(lines.join('\n'));
  if (ended) return { embeds: [embed], components: [] };
  const id = (action: PlayerButton): string => `${PLAYER_BUTTON_PREFIX}:${action}:${guildId}`;
  const row = new ActionRowBuilder<ButtonBuilder>().addComponents(
    new ButtonBuilder().setCustomId(id('skip')).setLabel('Skip').setEmoji('⏭️').setStyle(ButtonStyle.Secondary),
    state.paused
      ? new ButtonBuilder().setCustomId(id('resume')).setLabel('Resume').setEmoji('▶️').setStyle(ButtonStyle.Primary)
      : new ButtonBuilder().setCustomId(id('pause')).setLabel('Pause').setEmoji('⏸️').setStyle(ButtonStyle.Secondary),
  );
  return { embeds: [embed], components: [row] };
}

/** Parses a player button's custom id; undefined for anything else. */
export function parsePlayerButton(customId: string): { action: PlayerButton; guildId: string } | undefined {
  const [prefix, action, guildId] = customId.split(':');
  if (prefix !== PLAYER_BUTTON_PREFIX || !guildId || (action !== 'skip' && action !== 'pause' && action !== 'resume')) return undefined;
  return { action, guildId };
}

/**
 * Posts and updates one server's now-playing messages. Each is registered in the track-message
 * index, so the ordinary reaction path records 👍/👎 on it as feedback for exactly that track.
 */
export class NowPlayingMessages {
  private message: Message | undefined;

  constructor(
    private readonly client: Client<true>,
    private readonly guildId: string,
    private readonly index: TrackMessageIndex,
    private readonly log: Logger,
  ) {}

  /** Posts the message for `track` in `channelId`; returns its id, or undefined when it could not be sent. */
  async post(channelId: string, track: QueuedTrack, state: NowPlayingState): Promise<string | undefined> {
    try {
      const channel = await this.client.channels.fetch(channelId);
      if (!channel?.isSendable()) throw new Error(`cannot send in channel ${channelId}`);
      const message = await channel.send({ ...nowPlayingMessage(this.guildId, track, state), allowedMentions: { parse: [] } });
      this.message = message;
      await this.index.put({ guildId: this.guildId, channelId: message.channelId, messageId: message.id, trackId: track.trackId });
      await message.react(VOTES.up);
      await message.react(VOTES.down);
      return message.id;
    } catch (error) {
      this.log.warn({ err: error, channelId }, 'now-playing message not sent');
      return this.message?.id;
    }
  }

  /** Shows the new state (paused, volume, queue length) on the current message. */
  async update(track: QueuedTrack, state: NowPlayingState, ended = false): Promise<void> {
    const message = this.message;
    if (!message) return;
    if (ended) this.message = undefined;
    await message.edit({ ...nowPlayingMessage(this.guildId, track, state, ended), allowedMentions: { parse: [] } }).catch((error: unknown) => this.log.debug({ err: error }, 'now-playing edit failed'));
  }
}
