import { escapeMarkdown, type ApplicationCommandOptionChoiceData, type ChatInputCommandInteraction, type Message } from 'discord.js';
import type { RecTrack } from '../recs/library.js';
import type { Deps } from './deps.js';
import { UserError, isUserError } from './errors.js';
import { SHORT_ID } from './library-views.js';
import { recommendTracks, type RecommendQuery } from './recommend.js';
import { recommendationMessage, recommendHeader } from './recommend-view.js';
import { VOTES } from './track-embed.js';

const NO_MENTIONS = { allowedMentions: { parse: [] } } as const;

/** Lower case without accents, for matching what a member typed. */
function fold(text: string): string {
  return text.normalize('NFKD').replace(/\p{M}/gu, '').toLocaleLowerCase('en');
}

function label(track: RecTrack): string {
  return track.artist ? `${track.title} - ${track.artist}` : track.title;
}

/** Autocomplete choices for `like:`: library tracks whose title or artist contains what was typed (25 at most). */
export async function likeChoices(deps: Pick<Deps, 'recs'>, guildId: string, typed: string): Promise<ApplicationCommandOptionChoiceData<string>[]> {
  const needle = fold(typed.trim());
  const { tracks } = await deps.recs.libraries.get(guildId);
  const matches = [...tracks.values()].filter((t) => needle === '' || fold(label(t)).includes(needle) || t.id.startsWith(needle));
  matches.sort((a, b) => label(a).localeCompare(label(b)));
  return matches.slice(0, 25).map((t) => ({ name: `${label(t)} (${t.id.slice(0, SHORT_ID)})`.slice(0, 100), value: t.id }));
}

/**
 * The library track a member named in `like:`: the id an autocomplete choice carries, a short id,
 * or a title (or "title - artist") that matches one track only.
 * @throws UserError when no track or several tracks match.
 */
export async function findLibraryTrack(deps: Pick<Deps, 'recs'>, guildId: string, typed: string): Promise<RecTrack> {
  const { tracks } = await deps.recs.libraries.get(guildId);
  const wanted = typed.trim();
  const byId = tracks.get(wanted.toLowerCase());
  if (byId) return byId;
  const needle = fold(wanted);
  const all = [...tracks.values()];
  const exact = all.filter((t) => fold(t.title) === needle || fold(label(t)) === needle);
  const found = exact.length > 0 ? exact : all.filter((t) => (/^[0-9a-f]{6,}$/.test(needle) && t.id.startsWith(needle)) || fold(label(t)).includes(needle));
  if (found.length === 1) return found[0]!;
  if (found.length > 1) throw new UserError(`Several tracks match **${escapeMarkdown(wanted.slice(0, 100))}**: pick one from the list.`);
  throw new UserError(`❓ No track **${escapeMarkdown(wanted.slice(0, 100))}** in this server's library: pick one from the list, or upload it with \`file:\`.`);
}

/** Adds the votes to a recommendation message and indexes it, so that a reaction there is a vote on its track. */
async function publish(message: Message, guildId: string, trackId: string, deps: Pick<Deps, 'stores'>): Promise<void> {
  await deps.stores.trackMessages.put({ guildId, channelId: message.channelId, messageId: message.id, trackId });
  await message.react(VOTES.up);
  await message.react(VOTES.down);
}

/**
 * Answers a deferred `/recommend`: the header in the reply (or, when the reply already shows the
 * member's uploaded track, in a followup), then one followup message per pick with 👍/👎.
 */
export async function showRecommendations(
  interaction: ChatInputCommandInteraction,
  deps: Deps,
  query: RecommendQuery,
  options: { replyAsFollowup: boolean },
): Promise<void> {
  const say = async (content: string): Promise<void> => {
    if (options.replyAsFollowup) await interaction.followUp({ ...NO_MENTIONS, content });
    else await interaction.editReply({ ...NO_MENTIONS, content });
  };
  let answer;
  const started = performance.now();
  try {
    answer = await recommendTracks(query, deps);
  } catch (error) {
    // The reply shows the uploaded track: the reason goes below it instead of replacing it.
    if (options.replyAsFollowup && isUserError(error)) return say(error.message);
    throw error;
  }
  const computeMs = Math.round((performance.now() - started) * 10) / 10;
  const likeTitle = query.likeTrackId !== undefined ? (await deps.recs.libraries.get(query.guildId)).tracks.get(query.likeTrackId)?.title : undefined;
  await say(recommendHeader(query, answer, likeTitle));
  for (const [i, pick] of answer.picks.entries()) {
    const message = await interaction.followUp(recommendationMessage(pick, i + 1));
    await publish(message, query.guildId, pick.track.id, deps);
  }
  deps.logger.info({ guildId: query.guildId, userId: query.userId, scope: query.scope, like: query.likeTrackId, genre: query.genre, model: answer.model?.fittedAt, computeMs, picks: answer.picks.map((p) => p.track.id) }, 'recommendations shown');
}
