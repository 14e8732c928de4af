import {
  MessageFlags,
  RESTJSONErrorCodes,
  type APIAttachment,
  type APIEmbed,
  type APIMessage,
  type APIMessageTopLevelComponent,
} from 'discord-api-types/v10';
import { DiscordHttpError, invalidForm, type MessageBody } from './http.js';
import type { MessageStore } from './messages.js';

/** The message fields a create or edit body decides. */
export interface MessageFields {
  content: string;
  embeds: APIEmbed[];
  components: APIMessageTopLevelComponent[];
  attachments: APIAttachment[];
  flags: MessageFlags;
}

/** Flags a bot may set when sending; Ephemeral only on interaction responses and followups. */
const SETTABLE_FLAGS = MessageFlags.SuppressEmbeds | MessageFlags.SuppressNotifications | MessageFlags.IsComponentsV2;

/** Discord's limits, which the fake enforces so that tests catch what Discord would refuse. */
export const LIMITS = { contentChars: 2000, embeds: 10, embedTotalChars: 6000, files: 10, fileBytes: 10 * 1024 * 1024, actionRows: 5 } as const;

/**
 * Applies a create (no `existing`) or edit body to a message: validates it as Discord does,
 * stores uploaded `files[n]`, keeps the attachments an edit lists by id (all when it lists
 * none), and resolves `attachment://name` in embeds to the stored file's URL.
 */
export function applyMessageBody(
  store: MessageStore,
  channelId: string,
  body: MessageBody,
  options: { existing?: Omit<APIMessage, 'reactions'>; allowEphemeral?: boolean; allowEmpty?: boolean },
): MessageFields {
  const { json, files } = body;
  const existing = options.existing;
  const content = optionalString(json.content, 'content') ?? existing?.content ?? '';
  if (content.length > LIMITS.contentChars) throw invalidForm('content', `Must be ${LIMITS.contentChars} or fewer in length.`);
  const embeds = optionalArray<APIEmbed>(json.embeds, 'embeds') ?? existing?.embeds ?? [];
  validateEmbeds(embeds);
  const components = optionalArray<APIMessageTopLevelComponent>(json.components, 'components') ?? existing?.components ?? [];
  const flags = parseFlags(json.flags, options.allowEphemeral ?? false, existing?.flags);
  if (!(flags & MessageFlags.IsComponentsV2) && components.length > LIMITS.actionRows) throw invalidForm('components', 'Must be 5 or fewer in length.');
  for (const row of components) {
    if (typeof row !== 'object' || row === null || typeof row.type !== 'number') throw invalidForm('components', 'component without a type');
  }
  const attachments = resolveAttachments(store, channelId, json.attachments, files, existing?.attachments ?? []);
  const resolvedEmbeds = embeds.map((embed) => resolveEmbedRefs(embed, attachments));
  if (!existing && !options.allowEmpty && content === '' && embeds.length === 0 && attachments.length === 0 && components.length === 0 && json.sticker_ids === undefined && json.poll === undefined) {
    throw new DiscordHttpError(400, RESTJSONErrorCodes.CannotSendAnEmptyMessage, 'Cannot send an empty message');
  }
  return { content, embeds: resolvedEmbeds, components, attachments, flags };
}

function parseFlags(value: unknown, allowEphemeral: boolean, previous: MessageFlags | undefined): MessageFlags {
  if (value === undefined || value === null) return previous ?? (0 as MessageFlags);
  if (typeof value !== 'number' || !Number.isInteger(value)) throw invalidForm('flags', 'flags must be an integer');
  const allowed = SETTABLE_FLAGS | (allowEphemeral ? MessageFlags.Ephemeral : 0);
  if (value & ~allowed) throw invalidForm('flags', `flags ${value} include bits a bot may not set here`);
  // Ephemerality is fixed when the message is created; an edit cannot change it.
  const keep = (previous ?? 0) & (MessageFlags.Ephemeral | MessageFlags.Loading);
  return (value | keep);
}

function resolveAttachments(
  store: MessageStore,
  channelId: string,
  listed: unknown,
  files: MessageBody['files'],
  previous: APIAttachment[],
): APIAttachment[] {
  const entries = listed === undefined ? undefined : optionalArray<{ id?: unknown; filename?: unknown; description?: unknown }>(listed, 'attachments');
  const kept = entries === undefined ? [...previous] : entries.flatMap((e) => previous.filter((p) => p.id === String(e.id)));
  if (files.size + kept.length > LIMITS.files) throw invalidForm('files', `Must be ${LIMITS.files} or fewer in length.`);
  const uploaded = [...files.entries()].sort(([a], [b]) => a - b).map(([index, part]) => {
    if (part.data.length > LIMITS.fileBytes) throw new DiscordHttpError(413, RESTJSONErrorCodes.RequestEntityTooLarge, 'Request entity too large');
    const meta = entries?.find((e) => String(e.id) === String(index));
    const filename = typeof meta?.filename === 'string' ? meta.filename : part.filename!;
    const description = typeof meta?.description === 'string' ? meta.description : undefined;
    return store.storeFile(channelId, filename, part.data, part.contentType, description);
  });
  for (const e of entries ?? []) {
    const id = String(e.id);
    if (!files.has(Number(id)) && !previous.some((p) => p.id === id)) throw invalidForm('attachments', `attachment ${id} is neither an upload nor an existing attachment`);
  }
  return [...kept, ...uploaded];
}

function validateEmbeds(embeds: APIEmbed[]): void {
  if (embeds.length > LIMITS.embeds) throw invalidForm('embeds', `Must be ${LIMITS.embeds} or fewer in length.`);
  let total = 0;
  for (const embed of embeds) {
    if (typeof embed !== 'object' || embed === null) throw invalidForm('embeds', 'embed must be an object');
    if ((embed.title?.length ?? 0) > 256) throw invalidForm('embeds.title', 'Must be 256 or fewer in length.');
    if ((embed.description?.length ?? 0) > 4096) throw invalidForm('embeds.description', 'Must be 4096 or fewer in length.');
    if ((embed.fields?.length ?? 0) > 25) throw invalidForm('embeds.fields', 'Must be 25 or fewer in length.');
    const text = (value: unknown): number => (typeof value === 'string' ? value.length : 0);
    total += text(embed.title) + text(embed.description) + text(embed.footer?.text) + text(embed.author?.name);
    for (const field of embed.fields ?? []) {
      if (typeof field.name !== 'string' || typeof field.value !== 'string') throw invalidForm('embeds.fields', 'A field needs a name and a value.');
      total += field.name.length + field.value.length;
    }
  }
  if (total > LIMITS.embedTotalChars) throw invalidForm('embeds', `Embed size exceeds maximum size of ${LIMITS.embedTotalChars}`);
}

/** Discord rewrites `attachment://name` in embed images to the attachment's CDN URL. */
function resolveEmbedRefs(embed: APIEmbed, attachments: APIAttachment[]): APIEmbed {
  const resolve = <T extends { url: string }>(media: T | undefined): T | undefined => {
    const name = media?.url.startsWith('attachment://') ? media.url.slice('attachment://'.length) : undefined;
    const found = name === undefined ? undefined : attachments.find((a) => a.filename === name);
    if (!media || !found) return media;
    return { ...media, url: found.url, proxy_url: found.proxy_url, ...(found.width && { width: found.width, height: found.height }) };
  };
  const out: APIEmbed = { type: embed.type ?? ('rich' as APIEmbed['type']), ...embed };
  const image = resolve(embed.image);
  const thumbnail = resolve(embed.thumbnail);
  if (image) out.image = image;
  if (thumbnail) out.thumbnail = thumbnail;
  return out;
}

function optionalString(value: unknown, field: string): string | undefined {
  if (value === undefined || value === null) return undefined;
  if (typeof value !== 'string') throw invalidForm(field, 'Could not interpret value as string.');
  return value;
}

function optionalArray<T>(value: unknown, field: string): T[] | undefined {
  if (value === undefined || value === null) return undefined;
  if (!Array.isArray(value)) throw invalidForm(field, 'Expected an array.');
  return value as T[];
}
