import { Events, type Client, type VoiceState } from 'discord.js';
import { UserError } from '../errors.js';
import { GuildPlayer, type PlayerEnv } from './guild-player.js';

/**
 * Every server's player (one per server), created on the first command that needs one and
 * dropped when it leaves. Watches voice states so that a player leaves an emptied channel.
 */
export class VoicePlayers {
  private readonly players = new Map<string, GuildPlayer>();

  constructor(private readonly env: PlayerEnv) {}

  /** The server's player, if it is in a voice channel. */
  get(guildId: string): GuildPlayer | undefined {
    return this.players.get(guildId);
  }

  /**
   * The server's player, joined to `voiceChannelId` (created and connected when needed). A player
   * busy in another channel is not moved: the member is told where it plays.
   * @throws UserError when the channel cannot be joined.
   */
  async join(guildId: string, voiceChannelId: string, textChannelId: string): Promise<GuildPlayer> {
    const existing = this.players.get(guildId);
    if (existing?.channelId !== undefined && existing.channelId !== voiceChannelId && existing.status().track) {
      throw new UserError(`I'm already playing in <#${existing.channelId}>: join that channel to listen or queue tracks.`);
    }
    const player = existing ?? new GuildPlayer(guildId, textChannelId, this.env, (p) => this.players.get(guildId) === p && this.players.delete(guildId));
    player.textChannelId = textChannelId;
    this.players.set(guildId, player);
    try {
      if (player.channelId !== voiceChannelId) await player.connect(voiceChannelId);
    } catch (error) {
      this.env.logger.warn({ err: error, guildId, channelId: voiceChannelId }, 'joining the voice channel failed');
      await player.leave();
      throw new UserError(`❌ I could not join <#${voiceChannelId}>. Check that I may **Connect** and **Speak** there, then try again.`);
    }
    return player;
  }

  /** Listens for members leaving or joining the players' channels. */
  attach(client: Client): void {
    client.on(Events.VoiceStateUpdate, (before, after) => this.onVoiceState(before, after));
  }

  /** Leaves every channel (shutdown). */
  async closeAll(): Promise<void> {
    await Promise.all([...this.players.values()].map((p) => p.leave()));
  }

  private onVoiceState(before: VoiceState, after: VoiceState): void {
    const player = this.players.get(after.guild.id);
    const channelId = player?.channelId;
    if (!player || channelId === undefined) return;
    if (before.channelId !== channelId && after.channelId !== channelId) return;
    player.channelEmpty(player.listeners().length === 0);
  }
}
