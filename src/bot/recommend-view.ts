import { EmbedBuilder, escapeMarkdown, type BaseMessageOptions } from 'discord.js';
import type { RecommendAnswer, RecommendQuery, RecommendedTrack } from './recommend.js';
import { formatDuration } from './track-embed.js';
import { SHORT_ID } from './library-views.js';

const NO_MENTIONS = { allowedMentions: { parse: [] } } as const;

/** The first line of a recommendation reply: what was asked and what the picks are based on. */
export function recommendHeader(query: RecommendQuery, answer: RecommendAnswer, likeTitle: string | undefined): string {
  const n = answer.picks.length;
  const picks = `${n} pick${n === 1 ? '' : 's'}`;
  const genre = query.genre !== undefined ? ` of **${query.genre}**` : '';
  let what: string;
  if (likeTitle !== undefined) what = `🎧 **${picks}**${genre} that sound like **${escapeMarkdown(likeTitle)}**`;
  else if (query.scope === 'server') what = `🎧 **${picks}**${genre} this server likes`;
  else what = `🎧 **${picks}**${genre} for <@${query.userId}>`;
  const cold = query.scope === 'me' && likeTitle === undefined && answer.ratedByMember === 0
    ? '\nYou haven\'t rated anything here yet, so these are what the server likes and sounds from across the library.'
    : '';
  const { model } = answer;
  const learned = model
    ? `\n🧠 Using this server's model, trained <t:${Math.floor(model.fittedAt.getTime() / 1000)}:R> on ${model.examples} reactions and corrections.`
    : '\n🧠 No model trained for this server yet: your reactions train one.';
  return `${what}. React 👍 or 👎 to each: your next request takes it into account.${cold}${learned}`;
}

/** The message of one recommended track: title (linked to where it was shared), reason, genre, length. */
export function recommendationMessage(pick: RecommendedTrack, position: number): BaseMessageOptions {
  const { track, recommendation } = pick;
  const title = track.artist ? `${track.artist} - ${track.title}` : track.title;
  const facts = [pick.genre !== undefined ? `**${pick.genre}**` : undefined, formatDuration(track.durationS), `${Math.round(track.tempoBpm)} BPM`, `shared by <@${track.uploaderId}>`];
  const embed = new EmbedBuilder()
    .setTitle(`${position}. ${escapeMarkdown(title)}`.slice(0, 256))
    .setDescription(`💡 ${escapeMarkdown(recommendation.reason)}\n${facts.filter((f) => f !== undefined).join(' · ')}`)
    .setFooter({ text: `id ${track.id.slice(0, SHORT_ID)} · 👍 more like this · 👎 less like this` });
  if (track.messageUrl) embed.setURL(track.messageUrl);
  return { ...NO_MENTIONS, embeds: [embed] };
}
