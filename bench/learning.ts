import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import type { TopLevelSpec } from 'vega-lite';
import { isMain, writeResult } from './results.js';
import { mulberry32 } from '../src/ml/rng.js';
import { readFeatureCsv } from '../src/ml/dataset.js';
import { GenreModel } from '../src/ml/genre-model.js';
import { GENRES } from '../src/ml/genres.js';
import { loadTfRuntime } from '../src/ml/runtime.js';
import { fitEase } from '../src/recs/cf.js';
import { Library, type RecFeedback, type RecTrack } from '../src/recs/library.js';
import { FlatIndex } from '../src/recs/vector-index.js';
import { recommendForMember, type RecRequest } from '../src/recs/recommend.js';
import { fitServerModel, type ServerModel } from '../src/recs/server-model.js';
import { cosineSimilarity } from '../src/recs/similarity.js';
import { renderVegaLitePng } from '../src/render/index.js';

/** Settings of the simulated server. */
export interface LearningConfig {
  seed: number;
  members: number;
  rounds: number;
  perRound: number;
  /** Probability that a reaction is the opposite of the member's hidden taste. */
  flipRate: number;
  /** Whether members' liked genres lean toward the server's popular genres (see simulatedMembers). */
  sharedTaste: boolean;
  /** Extra options of every `recommendForMember` call (blend weights, MMR λ, ...). */
  recOptions?: Partial<Pick<RecRequest, 'weights' | 'mmrLambda' | 'poolSize' | 'preference'>>;
}

const DEFAULTS: LearningConfig = { seed: 42, members: 30, rounds: 10, perRound: 10, flipRate: 0.12, sharedTaste: true };
const METHODS = ['random', 'cosine of MFCC means (seeds)', 'ours', 'ours + fine-tuning'] as const;
type Method = (typeof METHODS)[number];

/** Like-rate (observed 👍 share) per round and method, and how the run was set up. */
export interface LearningResult {
  config: LearningConfig;
  tracks: number;
  modelVersion: string;
  likeRate: Record<Method, number[]>;
  /** Like-rate of the final round relative to the seeds' cosine method. */
  finalRatioVsCosine: Record<Method, number>;
  /** Like-rate of "ours + fine-tuning" minus "ours": mean over rounds 2 on, and in the final round. */
  fineTuningGain: { meanRounds2On: number; finalRound: number };
  /** Wall ms of each fitServerModel call (one per round, on all the feedback so far). */
  serverModelFitMs: number[];
  /**
   * Recall@10 of the FlatIndex int8 pre-scan (24 of the embedding's dims, the best 21 of 900 re-ranked: max(rerank 20, 2k + 1 excluded))
   * against the exact scan, each of the real embeddings as a query: how well the pre-scan suits
   * the model's embeddings (the latency benchmark measures it on synthetic ones).
   */
  prescanRecallAt10: number;
}

/** A seeded uniform source in [0, 1) as a plain function (the project's Mulberry32). */
export function seeded(seed: number): () => number {
  const rng = mulberry32(seed);
  return () => rng.next();
}

/** A seeded Fisher-Yates shuffle (a copy). */
export function shuffled<T>(items: readonly T[], rand: () => number): T[] {
  const out = [...items];
  for (let i = out.length - 1; i > 0; i--) {
    const j = Math.floor(rand() * (i + 1));
    [out[i], out[j]] = [out[j] as T, out[i] as T];
  }
  return out;
}

/** A simulated member: the GTZAN genre indices they like (hidden from the recommender). */
export interface Member {
  id: string;
  liked: Set<number>;
}

/** A GTZAN clip as the simulation sees it: the track, its true genre, its 20 MFCC means. */
export interface Item {
  track: RecTrack;
  genre: number;
  mfccMeans: number[];
}

type Picker = (member: Member, feedback: readonly RecFeedback[], rand: () => number) => string[];

/**
 * `count` members, each liking 2-3 of GTZAN's ten genres, drawn from `rand`: uniformly, or with
 * `sharedTaste` without replacement with probability proportional to the server's genre
 * popularity (a Dirichlet(1) draw, i.e. normalised exponentials): a community leans to some styles.
 */
export function simulatedMembers(count: number, rand: () => number, sharedTaste = false): Member[] {
  if (!sharedTaste) {
    return Array.from({ length: count }, (_, i) => ({
      id: `m${i}`,
      liked: new Set(shuffled(GENRES.map((_, g) => g), rand).slice(0, 2 + Math.floor(rand() * 2))),
    }));
  }
  const popularity = GENRES.map(() => -Math.log(1 - rand()));
  return Array.from({ length: count }, (_, i) => {
    const liked = new Set<number>();
    const size = 2 + Math.floor(rand() * 2);
    while (liked.size < size) {
      const free = popularity.map((p, g) => (liked.has(g) ? 0 : p));
      let u = rand() * free.reduce((a, b) => a + b, 0);
      const g = free.findIndex((p) => (u -= p) < 0);
      liked.add(g < 0 ? free.findLastIndex((p) => p > 0) : g);
    }
    return { id: `m${i}`, liked };
  });
}

/** Picks `n` unrated tracks at random. */
function randomPicks(items: readonly Item[], rated: ReadonlySet<string>, n: number, rand: () => number): string[] {
  return shuffled(
    items.filter((it) => !rated.has(it.track.id)),
    rand,
  )
    .slice(0, n)
    .map((it) => it.track.id);
}

/** The seeds' method: mean cosine similarity of the 20 MFCC means to the liked tracks. */
function cosinePicker(items: readonly Item[], n: number): Picker {
  const byId = new Map(items.map((it) => [it.track.id, it]));
  return (member, feedback, rand) => {
    const mine = feedback.filter((f) => f.userId === member.id);
    const rated = new Set(mine.map((f) => f.trackId));
    const liked = mine.filter((f) => f.value > 0).flatMap((f) => byId.get(f.trackId)?.mfccMeans ?? []);
    const likedVecs = mine.filter((f) => f.value > 0).map((f) => byId.get(f.trackId)?.mfccMeans ?? []);
    if (liked.length === 0) return randomPicks(items, rated, n, rand);
    return items
      .filter((it) => !rated.has(it.track.id))
      .map((it) => ({ id: it.track.id, s: likedVecs.reduce((acc, v) => acc + cosineSimilarity(v, it.mfccMeans), 0) / likedVecs.length }))
      .sort((a, b) => b.s - a.s || (a.id < b.id ? -1 : 1))
      .slice(0, n)
      .map((x) => x.id);
  };
}

/** Embeds the 900 labelled rows of the GTZAN table with the shipped genre model. */
export async function loadItems(): Promise<{ items: Item[]; modelVersion: string }> {
  const root = join(import.meta.dirname, '..');
  const table = await readFeatureCsv(join(root, '..', 'shared', 'data', 'gtzan', 'features_30_sec.train.csv'));
  const runtime = await loadTfRuntime();
  const model = await GenreModel.load(join(root, 'models', 'genre'), runtime);
  try {
    const order = model.metadata.featureNames.map((name) => table.featureNames.indexOf(name));
    if (order.some((i) => i < 0)) throw new Error('the table lacks a feature the model needs');
    const preds = model.predict(table.rows.map((r) => order.map((i) => r.features[i] as number)));
    const mfccAt = Array.from({ length: 20 }, (_, k) => table.featureNames.indexOf(`mfcc${k + 1}_mean`));
    const items = table.rows.map((row, i): Item => {
      const p = preds[i];
      if (!p) throw new Error('missing prediction');
      return {
        track: { id: row.source, title: row.source, embedding: p.embedding, genreProbabilities: p.probabilities },
        genre: row.label,
        mfccMeans: mfccAt.map((c) => row.features[c] as number),
      };
    });
    return { items, modelVersion: model.metadata.modelVersion };
  } finally {
    model.dispose();
  }
}

function simulate(items: readonly Item[], members: readonly Member[], cfg: LearningConfig, pick: Picker, stepRound?: (feedback: readonly RecFeedback[]) => void): number[] {
  const rand = seeded(cfg.seed + 1);
  const genreOf = new Map(items.map((it) => [it.track.id, it.genre]));
  const feedback: RecFeedback[] = [];
  const rates: number[] = [];
  for (let round = 0; round < cfg.rounds; round++) {
    stepRound?.(feedback);
    const fresh: RecFeedback[] = [];
    for (const m of members) {
      for (const [i, trackId] of pick(m, feedback, rand).entries()) {
        const likes = m.liked.has(genreOf.get(trackId) ?? -1) !== rand() < cfg.flipRate;
        fresh.push({ userId: m.id, trackId, value: likes ? 1 : -1, atMs: round * 1000 + i });
      }
    }
    feedback.push(...fresh);
    rates.push(fresh.filter((f) => f.value > 0).length / Math.max(1, fresh.length));
  }
  return rates;
}

/**
 * The learning benchmark: a server of simulated members with hidden tastes (2-3 liked genres of
 * GTZAN's ten) reacting, with noise, to rounds of recommendations; like-rate per round for
 * random picks, the seeds' cosine of MFCC means, ours, and ours with the server model fine-tuned between rounds.
 * Deterministic for a given seed.
 */
export async function benchLearning(overrides: Partial<LearningConfig> = {}): Promise<LearningResult> {
  const cfg = { ...DEFAULTS, ...overrides };
  const { items, modelVersion } = await loadItems();
  const members = simulatedMembers(cfg.members, seeded(cfg.seed), cfg.sharedTaste);
  const library = Library.of(
    items.map((it) => it.track),
    items[0]?.track.embedding.length ?? 0,
    GENRES,
  );
  // Between rounds, what the debounced `train` job does: refit EASE and, with fine-tuning, the
  // server model (fitServerModel, exactly as the worker calls it).
  const fitMs: number[] = [];
  const ours = (fineTune: boolean): number[] => {
    let cf = fitEase([]);
    let serverModel: ServerModel | undefined;
    return simulate(
      items,
      members,
      cfg,
      (m, feedback) => recommendForMember({ ...cfg.recOptions, library, feedback, cf, serverModel, k: cfg.perRound }, m.id).map((r) => r.trackId),
      (feedback) => {
        cf = fitEase(feedback);
        if (!fineTune) return;
        const t0 = performance.now();
        serverModel = fitServerModel({ library, feedback, corrections: [], seed: cfg.seed });
        fitMs.push(performance.now() - t0);
      },
    );
  };
  const likeRate: Record<Method, number[]> = {
    random: simulate(items, members, cfg, (m, fb, r) => randomPicks(items, new Set(fb.filter((f) => f.userId === m.id).map((f) => f.trackId)), cfg.perRound, r)),
    'cosine of MFCC means (seeds)': simulate(items, members, cfg, cosinePicker(items, cfg.perRound)),
    ours: ours(false),
    'ours + fine-tuning': ours(true),
  };
  const cosineFinal = likeRate['cosine of MFCC means (seeds)'].at(-1) ?? 0;
  const finalRatioVsCosine = Object.fromEntries(METHODS.map((m) => [m, (likeRate[m].at(-1) ?? 0) / (cosineFinal || 1)])) as Record<Method, number>;
  const mean = (xs: readonly number[]): number => xs.reduce((a, b) => a + b, 0) / Math.max(1, xs.length);
  const fineTuningGain = {
    meanRounds2On: mean(likeRate['ours + fine-tuning'].slice(1)) - mean(likeRate.ours.slice(1)),
    finalRound: (likeRate['ours + fine-tuning'].at(-1) ?? 0) - (likeRate.ours.at(-1) ?? 0),
  };
  return { config: cfg, tracks: items.length, modelVersion, likeRate, finalRatioVsCosine, fineTuningGain, serverModelFitMs: fitMs, prescanRecallAt10: prescanRecall(items) };
}

function prescanRecall(items: readonly Item[]): number {
  const index = new FlatIndex(items[0]?.track.embedding.length ?? 1);
  for (const it of items) index.add(it.track.id, it.track.embedding);
  index.enablePrescan({ dims: 24, rerank: 20, minItems: 0 });
  let found = 0;
  for (const it of items) {
    const exclude = new Set([it.track.id]);
    const truth = new Set(index.search(it.track.embedding, 10, { exclude, exact: true }).map((h) => h.id));
    found += index.search(it.track.embedding, 10, { exclude }).filter((h) => truth.has(h.id)).length;
  }
  return found / (10 * items.length);
}

/** A line chart of like-rate per round and method. */
export function learningSpec(result: LearningResult): TopLevelSpec {
  const values = METHODS.flatMap((method) => result.likeRate[method].map((rate, i) => ({ round: i + 1, rate, method })));
  return {
    title: `Like-rate per round: ${result.config.members} simulated members, ${result.tracks} GTZAN tracks`,
    width: 560,
    height: 320,
    background: 'white',
    data: { values },
    mark: { type: 'line', point: true },
    encoding: {
      x: { field: 'round', type: 'ordinal', title: 'round' },
      y: { field: 'rate', type: 'quantitative', title: 'like-rate', scale: { domain: [0, 1] } },
      color: { field: 'method', type: 'nominal', sort: [...METHODS], legend: { labelLimit: 300 } },
    },
  };
}

/** Prints the like-rate table and writes `bench/results/learning.json` and `learning.png`. */
export async function reportLearning(result: LearningResult): Promise<void> {
  console.log(`\nLearning benchmark (seed ${result.config.seed}, flip rate ${result.config.flipRate}), like-rate per round`);
  console.table(
    Object.fromEntries(result.likeRate.random.map((_, i) => [`round ${i + 1}`, Object.fromEntries(METHODS.map((m) => [m, (result.likeRate[m][i] ?? 0).toFixed(3)]))])),
  );
  console.log(
    `fine-tuning gain in like-rate: ${result.fineTuningGain.meanRounds2On.toFixed(3)} mean over rounds 2-${result.config.rounds}, ${result.fineTuningGain.finalRound.toFixed(3)} in the last; fitServerModel ms per round: ${result.serverModelFitMs.map((m) => m.toFixed(0)).join(', ')}`,
  );
  console.log('final round vs cosine of MFCC means:', Object.fromEntries(METHODS.map((m) => [m, result.finalRatioVsCosine[m].toFixed(2)])));
  console.log(`pre-scan recall@10 on the model's embeddings (24 dims, 21 of 900 re-ranked): ${result.prescanRecallAt10.toFixed(3)}`);
  writeResult('learning.json', result);
  writeResult('learning.png', await renderVegaLitePng(learningSpec(result)));
}

if (isMain(import.meta.url)) {
  await reportLearning(await benchLearning());
}
