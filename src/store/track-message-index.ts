import type { Collection } from './collection.js';
import type { TrackMessage } from './types.js';

/**
 * Which track each of the bot's track messages shows, so that a 👍/👎 on a message maps to
 * exactly one track. Keys: `<guildId>:<messageId>` in the `track-messages` namespace.
 */
export class TrackMessageIndex {
  constructor(private readonly messages: Collection<TrackMessage>) {}

  /** Records that `message.messageId` shows `message.trackId` (replacing an earlier mapping). */
  async put(message: TrackMessage): Promise<void> {
    await this.messages.set(key(message.guildId, message.messageId), message);
  }

  /** The track message, or undefined when the message is not one of the bot's track messages. */
  get(guildId: string, messageId: string): Promise<TrackMessage | undefined> {
    return this.messages.get(key(guildId, messageId));
  }

  /** Every message of the server that shows `trackId`. */
  async forTrack(guildId: string, trackId: string): Promise<TrackMessage[]> {
    const all = await this.messages.values(`${guildId}:`);
    return all.filter((message) => message.trackId === trackId);
  }

  /** Forgets one message (e.g. deleted by a moderator); true when it was known. */
  delete(guildId: string, messageId: string): Promise<boolean> {
    return this.messages.delete(key(guildId, messageId));
  }

  /** Forgets every message showing `trackId`; returns how many. */
  async removeForTrack(guildId: string, trackId: string): Promise<number> {
    const messages = await this.forTrack(guildId, trackId);
    return this.messages.deleteKeys(messages.map((message) => key(guildId, message.messageId)));
  }
}

function key(guildId: string, messageId: string): string {
  return `${guildId}:${messageId}`;
}
