import type { Collection } from './collection.js';
import { KeyedLock } from './keyed-lock.js';
import { GuildSettings } from './types.js';

/** Per-server settings. Key: `<guildId>` in the `settings` namespace. */
export class SettingsRepository {
  private readonly lock = new KeyedLock();

  constructor(private readonly settings: Collection<GuildSettings>) {}

  /** The server's settings; defaults when none were saved (or the saved row is invalid, which is reported). */
  async get(guildId: string): Promise<GuildSettings> {
    return (await this.settings.get(guildId)) ?? GuildSettings.parse({});
  }

  /**
   * Applies `change` to the current settings and saves the result (validated); concurrent
   * updates of one server run one after the other, so none is lost.
   */
  update(guildId: string, change: (current: GuildSettings) => GuildSettings): Promise<GuildSettings> {
    return this.lock.run(guildId, async () => this.settings.set(guildId, change(await this.get(guildId))));
  }

  /** Adds or removes `channelId` from the channels whose audio attachments are classified on arrival. */
  setAutoClassify(guildId: string, channelId: string, enabled: boolean): Promise<GuildSettings> {
    return this.update(guildId, (current) => {
      const others = current.autoClassifyChannelIds.filter((id) => id !== channelId);
      return { ...current, autoClassifyChannelIds: enabled ? [...others, channelId] : others };
    });
  }

  /** Sets the DJ role, or clears it with undefined (then everyone controls playback). */
  setDjRole(guildId: string, roleId: string | undefined): Promise<GuildSettings> {
    return this.update(guildId, (current) => {
      const next = { ...current, djRoleId: roleId };
      if (roleId === undefined) delete next.djRoleId;
      return next;
    });
  }
}
