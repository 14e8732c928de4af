import { InteractionResponseType, MessageFlags, type APIAttachment, type APIInteraction, type APIMessage } from 'discord-api-types/v10';
import type { FakeCore, InteractionRecord } from './core.js';

/** Default wait for the bot's answers, in ms. */
const DEFAULT_TIMEOUT_MS = 5000;

/**
 * The member's view of one interaction they triggered: what the bot answered (callbacks,
 * the `@original` message, followups) and the bytes of any files it attached.
 */
export class FakeInteraction {
  constructor(
    private readonly core: FakeCore,
    private readonly record: InteractionRecord,
  ) {}

  /** The INTERACTION_CREATE payload the bot received. */
  get payload(): APIInteraction {
    return this.record.payload;
  }

  /** The interaction's id. */
  get id(): string {
    return this.record.payload.id;
  }

  /** Callbacks the bot sent (at most one: Discord refuses a second). */
  get callbacks(): readonly { type: InteractionResponseType; data: unknown }[] {
    return this.record.callbacks;
  }

  /** Resolves with the bot's callback (deferral or response); rejects after timeoutMs. */
  acknowledged(timeoutMs = DEFAULT_TIMEOUT_MS): Promise<{ type: InteractionResponseType; data: unknown }> {
    return this.core.waitFor(() => this.record.callbacks[0], timeoutMs, `a callback to interaction ${this.id}`);
  }

  /** The `@original` response message as it stands, or undefined before there is one. */
  original(): APIMessage | undefined {
    const id = this.record.originalMessageId;
    const stored = id === undefined ? undefined : this.core.messages.find(this.record.payload.channel!.id, id);
    return stored && this.core.messages.toApi(stored, this.core.bot.id);
  }

  /**
   * Resolves with the `@original` message once it is no longer "thinking..." and satisfies
   * `predicate` (any final response by default); rejects after timeoutMs.
   */
  response(predicate: (message: APIMessage) => boolean = () => true, timeoutMs = DEFAULT_TIMEOUT_MS): Promise<APIMessage> {
    return this.core.waitFor(() => {
      const message = this.original();
      return message && !((message.flags ?? 0) & MessageFlags.Loading) && predicate(message) ? message : undefined;
    }, timeoutMs, `the final response to interaction ${this.id}`);
  }

  /** Followup messages, oldest first. */
  followups(): APIMessage[] {
    return this.record.followupIds.flatMap((id) => {
      const stored = this.core.messages.find(this.record.payload.channel!.id, id);
      return stored ? [this.core.messages.toApi(stored, this.core.bot.id)] : [];
    });
  }

  /** Choices answered to an autocomplete interaction, once answered. */
  autocompleteChoices(): { name: string; value: string | number }[] | undefined {
    const callback = this.record.callbacks.find((c) => c.type === InteractionResponseType.ApplicationCommandAutocompleteResult);
    return (callback?.data as { choices?: { name: string; value: string | number }[] } | undefined)?.choices;
  }

  /** The modal the bot opened (callback type 9), once it has: `custom_id`, `title`, `components`. */
  modal(): { custom_id: string; title: string; components: unknown[] } | undefined {
    const callback = this.record.callbacks.find((c) => c.type === InteractionResponseType.Modal);
    return callback?.data as { custom_id: string; title: string; components: unknown[] } | undefined;
  }

  /** The files attached to the `@original` message, with their bytes as uploaded. */
  files(): { attachment: APIAttachment; data: Buffer }[] {
    return (this.original()?.attachments ?? []).map((attachment) => ({ attachment, data: this.core.messages.files.get(attachment.id)!.data }));
  }
}
