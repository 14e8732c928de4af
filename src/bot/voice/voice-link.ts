import {
  entersState,
  joinVoiceChannel,
  VoiceConnectionDisconnectReason,
  VoiceConnectionStatus,
  type AudioPlayer,
  type DiscordGatewayAdapterCreator,
  type VoiceConnection,
  type VoiceConnectionState,
} from '@discordjs/voice';
import type { Logger } from 'pino';

/** Timing of the connection lifecycle. */
export interface VoiceLinkOptions {
  /** How long joining may take before it is given up, in ms. */
  readyTimeoutMs: number;
  /** Rejoin attempts after a lost connection before the player gives up. */
  maxRejoins: number;
  /** Wait before the first rejoin, doubled each attempt, in ms. */
  rejoinDelayMs: number;
}

/** What a link needs of its server: its id and discord.js's `guild.voiceAdapterCreator`. */
export interface VoiceGuild {
  id: string;
  voiceAdapterCreator: DiscordGatewayAdapterCreator;
}

/** Whether a connection's audio is end-to-end encrypted (DAVE), as logged. */
interface VoiceEncryption {
  /** True when the DAVE protocol version in use is above 0 (0: transport encryption only). */
  daveActive: boolean;
  daveProtocolVersion: number;
  /**
   * The call's voice privacy code, the same for every member (Discord shows it in the voice
   * panel); absent until the MLS group is established, and without DAVE. It is derived from the
   * group's keys, not one: safe to log.
   */
  voicePrivacyCode?: string;
}

/** The end-to-end encryption state of `connection` (only a ready connection has one). */
function encryptionOf(connection: VoiceConnection): VoiceEncryption {
  const state = connection.state;
  const networking = state.status === VoiceConnectionStatus.Ready ? state.networking.state : undefined;
  const dave = networking && 'dave' in networking ? networking.dave : undefined;
  const version = dave?.protocolVersion ?? 0;
  const code = connection.voicePrivacyCode;
  return { daveActive: version > 0, daveProtocolVersion: version, ...(code !== undefined && { voicePrivacyCode: code }) };
}

/**
 * One server's voice connection and its lifecycle: join (or move), keep the audio player
 * subscribed, and recover from losses: a dropped voice WebSocket or UDP path is rejoined with
 * backoff; a connection destroyed under us (discord.js drops voice adapters when its gateway
 * shard disconnects for good) is created again. `onLost` runs once recovery has failed.
 */
export class VoiceLink {
  private connection: VoiceConnection | undefined;
  private channel: string | undefined;
  private closing = false;
  private recovering = false;

  constructor(
    private readonly guild: () => VoiceGuild | undefined,
    private readonly player: AudioPlayer,
    private readonly log: Logger,
    private readonly options: VoiceLinkOptions,
    private readonly onLost: (reason: string) => void,
  ) {}

  /** The voice channel joined (or being joined). */
  get channelId(): string | undefined {
    // Someone may have moved the bot: the connection follows, and so does this.
    return this.connection?.joinConfig.channelId ?? this.channel;
  }

  /** True once the connection is ready to send audio. */
  get ready(): boolean {
    return this.connection?.state.status === VoiceConnectionStatus.Ready;
  }

  /** Joins `channelId` (moving when in another channel) and waits until audio can flow. */
  async connect(channelId: string): Promise<void> {
    this.closing = false;
    this.channel = channelId;
    const connection = this.open(channelId);
    await entersState(connection, VoiceConnectionStatus.Ready, this.options.readyTimeoutMs);
  }

  /** Leaves the channel; no recovery follows. */
  close(): void {
    this.closing = true;
    const c = this.connection;
    this.connection = undefined;
    if (c && c.state.status !== VoiceConnectionStatus.Destroyed) c.destroy();
  }

  private open(channelId: string): VoiceConnection {
    const guild = this.guild();
    if (!guild) throw new Error('the server is not available');
    const existing = this.connection;
    if (existing && existing.state.status !== VoiceConnectionStatus.Destroyed) {
      if (existing.joinConfig.channelId !== channelId) existing.rejoin({ channelId, selfDeaf: true, selfMute: false });
      return existing;
    }
    const connection = joinVoiceChannel({ guildId: guild.id, channelId, adapterCreator: guild.voiceAdapterCreator, selfDeaf: true, selfMute: false });
    connection.subscribe(this.player);
    connection.on('stateChange', (before, after) => void this.onState(connection, before, after));
    connection.on('error', (error) => this.log.warn({ err: error }, 'voice connection error'));
    // DAVE upgrades, downgrades and re-keys (members joining or leaving) end in a transition.
    connection.on('transitioned', (transitionId) => this.log.info({ channelId: connection.joinConfig.channelId, transitionId, ...encryptionOf(connection) }, 'voice encryption transitioned'));
    this.connection = connection;
    return connection;
  }

  private async onState(connection: VoiceConnection, before: VoiceConnectionState, after: VoiceConnectionState): Promise<void> {
    if (before.status !== after.status) this.log.debug({ from: before.status, to: after.status }, 'voice connection state');
    if (after.status === VoiceConnectionStatus.Ready && before.status !== VoiceConnectionStatus.Ready) {
      this.log.info({ channelId: connection.joinConfig.channelId, ...encryptionOf(connection) }, 'voice connected');
    }
    if (this.closing || connection !== this.connection) return;
    if (after.status === VoiceConnectionStatus.Disconnected) await this.onDisconnected(connection, after);
    else if (after.status === VoiceConnectionStatus.Destroyed) await this.recreate();
  }

  private async onDisconnected(connection: VoiceConnection, state: Extract<VoiceConnectionState, { status: VoiceConnectionStatus.Disconnected }>): Promise<void> {
    if (state.reason === VoiceConnectionDisconnectReason.WebSocketClose && state.closeCode === 4014) {
      // 4014: moved to another channel (a new session follows at once) or kicked (nothing follows).
      try {
        await entersState(connection, VoiceConnectionStatus.Connecting, 5_000);
        return;
      } catch {
        if (connection === this.connection && !this.closing) this.giveUp('disconnected from the voice channel');
        return;
      }
    }
    if (connection.rejoinAttempts >= this.options.maxRejoins) return this.giveUp('the voice connection could not be restored');
    const delay = this.options.rejoinDelayMs * 2 ** connection.rejoinAttempts;
    this.log.info({ reason: state.reason, closeCode: 'closeCode' in state ? state.closeCode : undefined, attempt: connection.rejoinAttempts + 1, delayMs: delay }, 'voice connection lost: rejoining');
    await new Promise((wake) => setTimeout(wake, delay));
    if (connection === this.connection && !this.closing && connection.state.status === VoiceConnectionStatus.Disconnected) connection.rejoin();
  }

  /** The connection was destroyed under us: join again with the same channel, with backoff. */
  private async recreate(): Promise<void> {
    if (this.recovering || this.channel === undefined) return;
    this.recovering = true;
    this.connection = undefined;
    try {
      for (let attempt = 0; attempt < this.options.maxRejoins && !this.closing; attempt++) {
        await new Promise((wake) => setTimeout(wake, this.options.rejoinDelayMs * 2 ** attempt));
        if (this.closing) return;
        try {
          this.log.info({ attempt: attempt + 1 }, 'voice connection destroyed: joining again');
          await this.connect(this.channel);
          return;
        } catch (error) {
          this.log.warn({ err: error, attempt: attempt + 1 }, 'joining again failed');
          // connect() may have set a new connection that never became ready.
          const stale = this.connection as VoiceConnection | undefined;
          this.connection = undefined;
          if (stale && stale.state.status !== VoiceConnectionStatus.Destroyed) stale.destroy();
        }
      }
      if (!this.closing) this.giveUp('the voice connection could not be restored');
    } finally {
      this.recovering = false;
    }
  }

  private giveUp(reason: string): void {
    this.log.warn({ reason }, 'voice connection given up');
    this.close();
    this.onLost(reason);
  }
}
