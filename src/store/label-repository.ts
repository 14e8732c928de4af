import type { Collection } from './collection.js';
import type { GenreLabel } from './types.js';

/**
 * Members' genre corrections, kept as labelled examples for fine-tuning: one per member per
 * track (a member's later correction replaces their earlier one). Key:
 * `<guildId>:<userId>:<trackId>` in the `labels` namespace, so a member's labels form one range.
 */
export class LabelRepository {
  constructor(private readonly labels: Collection<GenreLabel>) {}

  /** Saves `label`, replacing the member's earlier correction of the same track. */
  put(label: GenreLabel): Promise<GenreLabel> {
    return this.labels.set(key(label.guildId, label.userId, label.trackId), label);
  }

  /** Every label of the server (for training), oldest first. */
  async listByGuild(guildId: string): Promise<GenreLabel[]> {
    return byTime(await this.labels.values(`${guildId}:`));
  }

  /** The member's labels in the server, oldest first. */
  async listByUser(guildId: string, userId: string): Promise<GenreLabel[]> {
    return byTime(await this.labels.values(`${guildId}:${userId}:`));
  }

  /** The labels of one track, oldest first (the last is the track's current correction). */
  async listByTrack(guildId: string, trackId: string): Promise<GenreLabel[]> {
    return (await this.listByGuild(guildId)).filter((label) => label.trackId === trackId);
  }

  /** Deletes the member's labels in this server only; returns how many. */
  forgetUser(guildId: string, userId: string): Promise<number> {
    return this.labels.deletePrefix(`${guildId}:${userId}:`);
  }
}

function key(guildId: string, userId: string, trackId: string): string {
  return `${guildId}:${userId}:${trackId}`;
}

function byTime(labels: GenreLabel[]): GenreLabel[] {
  return labels.sort((a, b) => a.at.localeCompare(b.at));
}
