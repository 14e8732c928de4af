import { AudioPlayerStatus, createAudioPlayer, NoSubscriberBehavior, type AudioResource } from '@discordjs/voice';
import type { Logger } from 'pino';
import type { RadioSeed } from '../../recs/radio.js';
import { LeaveTimers } from './leave-timers.js';
import { recordPlaybackFeedback } from './listen-feedback.js';
import { NowPlayingMessages, trackLabel, type NowPlayingState } from './now-playing.js';
import type { PlayerEnv, PlayerStatus, VolumeOutcome } from './player-env.js';
import { SkipVotes, type SkipVoteResult } from './skip-votes.js';
import { positionS, switchStream } from './stream-switch.js';
import { TrackQueue, type QueuedTrack } from './track-queue.js';
import { StoredCopies, type TrackStream } from './track-stream.js';
import { VoiceLink } from './voice-link.js';

export type { PlayerEnv, PlayerStatus, VoiceOptions, VolumeOutcome } from './player-env.js';

/** The track playing now and what its end needs to know. */
interface Playing {
  track: QueuedTrack;
  /** Unique per play (skip votes are per play). */
  key: string;
  stream: TrackStream;
  /** Where the stream started in the track, in seconds (non-zero after a volume change). */
  offsetS: number;
  messageId?: string;
  skippedBy: string[];
}

/** Tracks that cannot be played in a row before the player stops trying. */
const MAX_FAILED_STARTS = 5;

/**
 * One server's player: the queue, the voice link, the now-playing messages and the radio. It
 * advances when a track ends (asking the radio when the queue is empty and the radio is on),
 * records full listens and skips as feedback, and leaves when idle or alone.
 */
export class GuildPlayer {
  readonly queue = new TrackQueue();
  private readonly votes = new SkipVotes();
  private readonly audio = createAudioPlayer({ behaviors: { noSubscriber: NoSubscriberBehavior.Pause } });
  private readonly link: VoiceLink;
  private readonly messages: NowPlayingMessages;
  private readonly copies: StoredCopies;
  private readonly timers: LeaveTimers;
  private readonly log: Logger;
  private playing: Playing | undefined;
  private advancing = false;
  private closed = false;
  private plays = 0;
  /** Counts volume changes: a pending switch that sees a newer one gives way. */
  private volumeChanges = 0;
  /** The text channel of the now-playing messages (where the last command came from). */
  textChannelId: string;
  volumePercent = 100;
  /** Set while the radio is on: what it was seeded with. */
  radio: { seed?: RadioSeed } | undefined;

  constructor(
    readonly guildId: string,
    textChannelId: string,
    private readonly env: PlayerEnv,
    private readonly onClosed: (player: GuildPlayer) => void,
  ) {
    this.textChannelId = textChannelId;
    this.log = env.logger.child({ guildId, component: 'voice' });
    this.messages = new NowPlayingMessages(env.client, guildId, env.stores.trackMessages, this.log);
    this.copies = new StoredCopies(guildId, { audio: env.stores.audio, loudness: env.loudness, ffmpegPath: env.options.ffmpegPath }, this.log);
    this.timers = new LeaveTimers(env.options, (notice) => void this.leave(notice));
    this.link = new VoiceLink(() => env.client.guilds.cache.get(guildId), this.audio, this.log, env.options, (reason) => void this.leave(`👋 I left the voice channel: ${reason}.`));
    this.audio.on('stateChange', (before, after) => {
      if (after.status !== AudioPlayerStatus.Idle || before.status === AudioPlayerStatus.Idle) return;
      this.onTrackEnd(before.resource as AudioResource<string>).catch((error: unknown) => this.log.error({ err: error }, 'advancing to the next track failed'));
    });
    this.audio.on('error', (error) => this.log.warn({ err: error, trackId: this.playing?.track.trackId }, 'playback error'));
  }

  /** The voice channel the player is in. */
  get channelId(): string | undefined {
    return this.link.channelId;
  }

  /** Joins (or moves to) `voiceChannelId`. */
  async connect(voiceChannelId: string): Promise<void> {
    await this.link.connect(voiceChannelId);
  }

  /** Members in the player's voice channel, bots excluded. */
  listeners(): string[] {
    const channel = this.link.channelId ? this.env.client.guilds.cache.get(this.guildId)?.channels.cache.get(this.link.channelId) : undefined;
    if (!channel?.isVoiceBased()) return [];
    return [...channel.members.values()].filter((m) => !m.user.bot).map((m) => m.id);
  }

  /** Adds tracks and starts playing when nothing plays; returns the first one's 1-based queue position (0: playing now). */
  async enqueue(tracks: QueuedTrack[]): Promise<number> {
    const position = this.queue.add(...tracks);
    if (this.playing || this.advancing) return position;
    await this.advance();
    return 0;
  }

  /** Turns the radio on (with an optional seed) and starts it when nothing plays. */
  async startRadio(seed?: RadioSeed): Promise<void> {
    this.radio = seed ? { seed } : {};
    if (!this.playing && !this.advancing) await this.advance();
  }

  /** Skips the current track on behalf of `by` (each counts as a weak dislike); false when nothing plays. */
  skip(by: readonly string[]): boolean {
    if (!this.playing) return false;
    this.playing.skippedBy = [...by];
    this.audio.stop(true);
    return true;
  }

  /** A member's vote to skip; skips when the majority of the channel voted. */
  voteSkip(userId: string): SkipVoteResult | undefined {
    if (!this.playing) return undefined;
    const result = this.votes.vote(this.playing.key, userId, this.listeners());
    if (result.passed) this.skip(result.voters);
    return result;
  }

  /** Pauses; false when nothing plays or it was paused. */
  pause(): boolean {
    const done = this.playing !== undefined && this.audio.pause();
    if (done) void this.refreshMessage();
    return done;
  }

  /** Resumes; false when nothing was paused. */
  resume(): boolean {
    const done = this.playing !== undefined && this.audio.unpause();
    if (done) void this.refreshMessage();
    return done;
  }

  /**
   * Sets the volume (0-200 %); the current track continues at the new volume from where it was,
   * switched without a gap (see {@link switchStream}: at most 10 ms repeated or skipped). A switch
   * that fails or is not ready in time keeps the old stream (the next track gets the new volume);
   * one made moot by a skip, a stop, the track's end or a newer volume is dropped. Resolves once
   * the switch is made or given up, saying which of these happened.
   */
  async setVolume(percent: number): Promise<VolumeOutcome> {
    this.volumePercent = percent;
    const change = ++this.volumeChanges;
    const p = this.playing;
    if (!p) return 'idle';
    const cancelled = (): boolean => this.playing !== p || this.closed || change !== this.volumeChanges;
    const switched = await switchStream(this.audio, p, (atS) => this.copies.open(p.track.trackId, atS, () => this.volumePercent), cancelled);
    if (!switched.ok) {
      // A newer /volume wins; a track that changed meanwhile already started at this volume.
      if (switched.reason === 'cancelled') return change !== this.volumeChanges ? 'superseded' : this.closed ? 'stopped' : 'applied';
      if (switched.reason !== 'no-stream') this.log.warn({ trackId: p.track.trackId, volumePercent: percent, reason: switched.reason }, 'volume change not applied to the current track');
      return 'next-track';
    }
    this.log.info({ trackId: p.track.trackId, volumePercent: percent, atS: switched.atMs / 1000, readyMs: Math.round(switched.readyMs), droppedPackets: switched.droppedPackets }, 'volume applied');
    await this.refreshMessage();
    return 'applied';
  }

  /** What plays now and what comes next. */
  status(): PlayerStatus {
    const p = this.playing;
    return {
      ...(p && { track: p.track }),
      elapsedS: p ? positionS(p) : 0,
      paused: this.audio.state.status === AudioPlayerStatus.Paused,
      volumePercent: this.volumePercent,
      radio: this.radio !== undefined,
      upNext: this.queue.pending,
      ...(this.link.channelId !== undefined && { channelId: this.link.channelId }),
    };
  }

  /** The channel emptied (true) or someone is back (false): leave after the grace period. */
  channelEmpty(empty: boolean): void {
    this.timers.channelEmpty(empty);
  }

  /** Stops, forgets the queue, leaves the channel and tells the text channel `notice` (when given). */
  async leave(notice?: string): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    this.timers.clear();
    const p = this.playing;
    this.playing = undefined;
    this.queue.reset();
    this.radio = undefined;
    this.audio.stop(true);
    p?.stream.close();
    if (p) await this.messages.update(p.track, this.nowPlayingState(), true);
    this.link.close();
    this.onClosed(this);
    if (notice) await this.say(notice);
    this.log.info('left the voice channel');
  }

  private async onTrackEnd(resource: AudioResource<string>): Promise<void> {
    const p = this.playing;
    if (!p || p.stream.resource !== resource || this.closed) return;
    this.playing = undefined;
    p.stream.close();
    await this.recordFeedback(p, positionS(p)).catch((error: unknown) => this.log.error({ err: error }, 'listen feedback not recorded'));
    await this.messages.update(p.track, this.nowPlayingState(), true);
    await this.advance();
  }

  private async recordFeedback(p: Playing, playedS: number): Promise<void> {
    if (p.messageId === undefined) return;
    const events = await recordPlaybackFeedback(this.env.stores.feedback, {
      guildId: this.guildId, trackId: p.track.trackId, messageId: p.messageId, durationS: p.track.durationS, playedS,
      skippedBy: p.skippedBy, listeners: this.listeners(), at: new Date(),
    });
    if (events.length > 0) this.log.debug({ trackId: p.track.trackId, source: events[0]?.source, members: events.length }, 'playback feedback recorded');
  }

  /** Plays the next queued track, or the radio's pick; schedules leaving when there is none. */
  private async advance(): Promise<void> {
    if (this.advancing || this.closed) return;
    this.advancing = true;
    try {
      for (let failed = 0; failed < MAX_FAILED_STARTS && !this.closed; failed++) {
        const next = this.queue.advance() ?? (await this.radioPick());
        if (!next) return this.timers.idle();
        if (await this.start(next)) return;
      }
    } finally {
      this.advancing = false;
    }
  }

  private async radioPick(): Promise<QueuedTrack | undefined> {
    if (!this.radio) return undefined;
    const pick = await this.env.radio.next(this.guildId, this.listeners(), this.queue.history, this.radio.seed);
    if (!pick) {
      await this.say('📻 The radio has nothing to play: this server\'s library is empty. Add tracks with `/classify`.');
      return undefined;
    }
    this.queue.add(pick);
    return this.queue.advance();
  }

  private async start(track: QueuedTrack): Promise<boolean> {
    await this.copies.waitFor(track.trackId, () => this.closed);
    const stream = await this.copies.open(track.trackId, 0, () => this.volumePercent);
    if (!stream) {
      await this.say(`⚠️ I have no stored audio of ${trackLabel(track)} (the server's audio storage was full when it was added), so I skipped it.`);
      return false;
    }
    this.timers.playing();
    const p: Playing = { track, key: `${track.trackId}#${++this.plays}`, stream, offsetS: 0, skippedBy: [] };
    this.playing = p;
    this.audio.play(stream.resource);
    this.log.info({ trackId: track.trackId, radio: track.requestedBy === undefined }, 'track started');
    const messageId = await this.messages.post(this.textChannelId, track, this.nowPlayingState());
    if (messageId !== undefined) p.messageId = messageId;
    return true;
  }

  private nowPlayingState(): NowPlayingState {
    return { paused: this.audio.state.status === AudioPlayerStatus.Paused, volumePercent: this.volumePercent, radio: this.radio !== undefined, upNext: this.queue.length };
  }

  private async refreshMessage(): Promise<void> {
    if (this.playing) await this.messages.update(this.playing.track, this.nowPlayingState());
  }

  private async say(text: string): Promise<void> {
    try {
      const channel = await this.env.client.channels.fetch(this.textChannelId);
      if (channel?.isSendable()) await channel.send({ content: text, allowedMentions: { parse: [] } });
    } catch (error) {
      this.log.debug({ err: error }, 'notice not sent');
    }
  }
}
