import { isMain, writeResult } from './results.js';
import { loadItems, seeded, shuffled, simulatedMembers, type Item, type Member } from './learning.js';
import { GENRES } from '../src/ml/genres.js';
import { fitEase } from '../src/recs/cf.js';
import { Library, type RecFeedback } from '../src/recs/library.js';
import { radioNext } from '../src/recs/radio.js';
import { cosineSimilarity } from '../src/recs/similarity.js';

/** Settings of the simulated listening sessions. */
export interface RadioBenchConfig {
  seed: number;
  /** Members of the server (the learning benchmark's simulated members). */
  members: number;
  /** Reactions each member gave before the sessions, on random tracks. */
  historyPerMember: number;
  /** Listening sessions, each with its own 2-4 members in the channel. */
  sessions: number;
  /** Tracks played per session. */
  tracksPerSession: number;
  /** Probability that a reaction is the opposite of the member's hidden taste. */
  flipRate: number;
  /** Weight of a skip (a weak dislike), as the player records it. */
  skipWeight: number;
}

const DEFAULTS: RadioBenchConfig = { seed: 42, members: 30, historyPerMember: 10, sessions: 30, tracksPerSession: 20, flipRate: 0.12, skipWeight: 0.3 };
const METHODS = ['random', 'cosine of MFCC means', 'radio'] as const;
type Method = (typeof METHODS)[number];

/** Like-rate per method, overall and per track position, and how the run was set up. */
export interface RadioBenchResult {
  config: RadioBenchConfig;
  tracks: number;
  modelVersion: string;
  /** Likes / reactions over every session's 20 tracks. */
  likeRate: Record<Method, number>;
  /** Like-rate at each track position (1..20), over the sessions. */
  likeRateByPosition: Record<Method, number[]>;
  /** Sessions where the radio's like-rate beat the method's (ties not counted). */
  radioWinsOverSessions: Record<Exclude<Method, 'radio'>, number>;
}

/** The state a picker sees: who listens, what they said before and during the session, what may not be played. */
interface SessionView {
  listeners: readonly Member[];
  feedback: readonly RecFeedback[];
  avoid: ReadonlySet<string>;
  played: readonly string[];
  rand: () => number;
}

type Picker = (view: SessionView) => string;

function randomPick(items: readonly Item[], view: SessionView): string {
  const open = items.filter((it) => !view.avoid.has(it.track.id));
  return open[Math.floor(view.rand() * open.length)]?.track.id ?? '';
}

/** Mean cosine similarity of the MFCC means to every track the listeners liked (random until one is liked). */
function cosinePicker(items: readonly Item[]): Picker {
  const byId = new Map(items.map((it) => [it.track.id, it]));
  return (view) => {
    const who = new Set(view.listeners.map((m) => m.id));
    const liked = view.feedback.filter((f) => who.has(f.userId) && f.value > 0).flatMap((f) => byId.get(f.trackId)?.mfccMeans ?? []);
    const likedVecs = view.feedback.filter((f) => who.has(f.userId) && f.value > 0).map((f) => byId.get(f.trackId)?.mfccMeans ?? []);
    if (liked.length === 0) return randomPick(items, view);
    let best = '';
    let bestScore = -Infinity;
    for (const it of items) {
      if (view.avoid.has(it.track.id)) continue;
      const s = likedVecs.reduce((acc, v) => acc + cosineSimilarity(v, it.mfccMeans), 0) / likedVecs.length;
      if (s > bestScore) [best, bestScore] = [it.track.id, s];
    }
    return best;
  };
}

function radioPicker(library: Library, cf: ReturnType<typeof fitEase>): Picker {
  return (view) =>
    radioNext({ library, feedback: view.feedback, cf, listeners: view.listeners.map((m) => m.id), recent: [...view.avoid], avoidLast: library.size })[0]?.trackId ?? '';
}

/** Each member's reactions to `perMember` random tracks, with the same noise as the sessions. */
function history(items: readonly Item[], members: readonly Member[], cfg: RadioBenchConfig, rand: () => number): RecFeedback[] {
  return members.flatMap((m) =>
    shuffled(items, rand)
      .slice(0, cfg.historyPerMember)
      .map((it, i): RecFeedback => ({ userId: m.id, trackId: it.track.id, value: m.liked.has(it.genre) !== rand() < cfg.flipRate ? 1 : -1, atMs: i })),
  );
}

/** Plays one session with `pick`; returns whether each reaction was a like, per track position. */
function playSession(items: readonly Item[], listeners: readonly Member[], past: readonly RecFeedback[], cfg: RadioBenchConfig, pick: Picker, rand: () => number): boolean[][] {
  const genreOf = new Map(items.map((it) => [it.track.id, it.genre]));
  const who = new Set(listeners.map((m) => m.id));
  // The same tracks are off limits for every method: what the listeners rated before, and what played.
  const avoid = new Set(past.filter((f) => who.has(f.userId)).map((f) => f.trackId));
  const feedback = [...past];
  const played: string[] = [];
  const out: boolean[][] = [];
  for (let pos = 0; pos < cfg.tracksPerSession; pos++) {
    const trackId = pick({ listeners, feedback, avoid, played, rand });
    avoid.add(trackId);
    played.push(trackId);
    const likes = listeners.map((m) => m.liked.has(genreOf.get(trackId) ?? -1) !== rand() < cfg.flipRate);
    // A like is a 👍 (weight 1); a dislike a skip, the player's weak dislike.
    listeners.forEach((m, i) => feedback.push({ userId: m.id, trackId, value: likes[i] ? 1 : -1, weight: likes[i] ? 1 : cfg.skipWeight, atMs: 1000 + pos }));
    out.push(likes);
  }
  return out;
}

const rate = (rows: readonly boolean[][]): number => {
  const all = rows.flat();
  return all.filter(Boolean).length / Math.max(1, all.length);
};

/**
 * The radio benchmark: the learning benchmark's simulated members (hidden tastes of 2-3 GTZAN
 * genres, 12 % noisy reactions) each rated a few random tracks before; then sessions of 20 tracks
 * with 2-4 of them in the channel, where a liked track gets 👍 and a disliked one a skip, and the
 * next track comes from random picks, the cosine of MFCC means to the listeners' liked tracks, or
 * {@link radioNext}. Like-rate over the sessions. Deterministic for a given seed.
 */
export async function benchRadio(overrides: Partial<RadioBenchConfig> = {}): Promise<RadioBenchResult> {
  const cfg = { ...DEFAULTS, ...overrides };
  const { items, modelVersion } = await loadItems();
  const members = simulatedMembers(cfg.members, seeded(cfg.seed));
  const library = Library.of(items.map((it) => it.track), items[0]?.track.embedding.length ?? 0, GENRES);
  const setup = seeded(cfg.seed + 7);
  const past = history(items, members, cfg, setup);
  const sessions = Array.from({ length: cfg.sessions }, () => shuffled(members, setup).slice(0, 2 + Math.floor(setup() * 3)));
  const pickers: Record<Method, Picker> = {
    random: (view) => randomPick(items, view),
    'cosine of MFCC means': cosinePicker(items),
    radio: radioPicker(library, fitEase(past)),
  };
  const runs = Object.fromEntries(
    METHODS.map((method) => {
      const rand = seeded(cfg.seed + 11);
      return [method, sessions.map((listeners) => playSession(items, listeners, past, cfg, pickers[method], rand))];
    }),
  ) as Record<Method, boolean[][][]>;
  const likeRate = Object.fromEntries(METHODS.map((m) => [m, rate(runs[m].flat())])) as Record<Method, number>;
  const likeRateByPosition = Object.fromEntries(
    METHODS.map((m) => [m, Array.from({ length: cfg.tracksPerSession }, (_, pos) => rate(runs[m].map((s) => s[pos] ?? [])))]),
  ) as Record<Method, number[]>;
  const wins = (other: Method): number => runs.radio.filter((s, i) => rate(s) > rate(runs[other][i] ?? [])).length;
  return { config: cfg, tracks: items.length, modelVersion, likeRate, likeRateByPosition, radioWinsOverSessions: { random: wins('random'), 'cosine of MFCC means': wins('cosine of MFCC means') } };
}

/** Prints the like-rates and writes `bench/results/radio.json`. */
export function reportRadio(result: RadioBenchResult): void {
  const c = result.config;
  console.log(`\nRadio benchmark (seed ${c.seed}): ${c.sessions} sessions of ${c.tracksPerSession} tracks, 2-4 of ${c.members} members listening, flip rate ${c.flipRate}`);
  console.table(Object.fromEntries(METHODS.map((m) => [m, { 'like-rate': result.likeRate[m].toFixed(3), 'first 5 tracks': mean(result.likeRateByPosition[m].slice(0, 5)).toFixed(3), 'last 5 tracks': mean(result.likeRateByPosition[m].slice(-5)).toFixed(3) }])));
  console.log(`sessions where the radio beat random: ${result.radioWinsOverSessions.random}/${c.sessions}, beat cosine: ${result.radioWinsOverSessions['cosine of MFCC means']}/${c.sessions}`);
  writeResult('radio.json', result);
}

function mean(xs: readonly number[]): number {
  return xs.reduce((s, x) => s + x, 0) / Math.max(1, xs.length);
}

if (isMain(import.meta.url)) {
  reportRadio(await benchRadio());
}
