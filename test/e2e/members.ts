import { decode } from 'fast-png';
import type { APIMessage } from 'discord-api-types/v10';
import type { FakeDiscord, FakeInteraction, FakeUpload } from '../fake-discord/index.js';

/** How long a member waits for a classification's answer in tests, in ms. */
export const ANSWER_MS = 45_000;

/** A member's place: guild index (0 or 1), channel and user. */
export function at(fake: FakeDiscord, guild: 0 | 1, user: 'alice' | 'bob' | 'carol'): { guildId: string; channelId: string; userId: string } {
  const g = fake.defaults.guilds[guild];
  return { guildId: g.id, channelId: g.generalId, userId: fake.defaults.users[user] };
}

/** True once a track message is complete: embed, spectrogram and both vote reactions. */
export function isTrackMessage(message: APIMessage): boolean {
  return (message.embeds[0]?.fields?.length ?? 0) > 0 && (message.reactions?.length ?? 0) >= 2;
}

/** True once the message is a final failure text. */
export function isFailure(message: APIMessage): boolean {
  return message.content.startsWith('❌');
}

/** Runs `/classify file:<upload>` and waits for the final answer (a track or a failure). */
export async function classify(fake: FakeDiscord, where: ReturnType<typeof at>, upload: FakeUpload): Promise<{ run: FakeInteraction; answer: APIMessage }> {
  const run = fake.runSlashCommand({ ...where, name: 'classify', options: { file: upload } });
  const answer = await run.response((m) => isTrackMessage(m) || isFailure(m), ANSWER_MS);
  return { run, answer };
}

/** Runs a slash command and returns its final response. */
export async function command(fake: FakeDiscord, where: ReturnType<typeof at>, name: string, subcommand?: string[], options?: Record<string, string | number | boolean>): Promise<APIMessage> {
  const run = fake.runSlashCommand({ ...where, name, ...(subcommand && { subcommand }), ...(options && { options }) });
  return run.response(undefined, 30_000);
}

/** Everything a member reads in a message: content, embed titles, descriptions, fields and footers. */
export function text(message: APIMessage): string {
  return [message.content, ...message.embeds.flatMap((e) => [e.title, e.description, ...(e.fields ?? []).flatMap((f) => [f.name, f.value]), e.footer?.text])].filter(Boolean).join('\n');
}

/** The number of tracks `/library list` reports for a member's server. */
export async function libraryCount(fake: FakeDiscord, where: ReturnType<typeof at>): Promise<number> {
  const footer = (await command(fake, where, 'library', ['list'])).embeds[0]?.footer?.text ?? '';
  return Number(/^(\d+) track/.exec(footer)?.[1] ?? NaN);
}

/** Decodes a PNG, returning its size (throws when the bytes are no PNG). */
export function pngSize(data: Buffer): { width: number; height: number } {
  const image = decode(data);
  return { width: image.width, height: image.height };
}
