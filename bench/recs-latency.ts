import { loadavg } from 'node:os';
import { performance } from 'node:perf_hooks';
import { isMain, writeResult } from './results.js';
import { loadItems, seeded } from './learning.js';
import { fitEase } from '../src/recs/cf.js';
import { Library, type RecFeedback } from '../src/recs/library.js';
import { recommendForMember, recommendLike } from '../src/recs/recommend.js';

/** Milliseconds of one kind of request at one library size. */
export interface LatencyFigure {
  tracks: number;
  p50Ms: number;
  p95Ms: number;
  /** Median CPU ms of this thread per call (what the call costs when it has a core to itself). */
  cpuP50Ms: number;
  runs: number;
}

/**
 * Recommendation latency at each library size: synthetic 120-d unit embeddings sampled around
 * the real model's embeddings of the 900 GTZAN rows (a random mix of two tracks of one genre plus
 * isotropic noise), so that they spread like the model's.
 */
export interface RecsLatencyResult {
  dim: number;
  loadAverage1m: number;
  /** Std of the isotropic noise per coordinate, before renormalising. */
  noisePerDim: number;
  /** Which pre-scan ran ('int8-wasm' or 'float-js') and its projected length. */
  prescanKind: string;
  prescanDims: number;
  /** Exact top-50 flat scan, 100 ids excluded. */
  search: LatencyFigure[];
  /** `recommendLike`: one scan, MMR over 200 candidates. */
  like: LatencyFigure[];
  /** `recommendForMember` with 60 reactions (3 liked genres, 1 in 5 a 👎), EASE over the server's 600 reactions, MMR. */
  member: LatencyFigure[];
  /** The same three requests with the int8 pre-scan (1000 re-ranked exactly per query). */
  prescan: { search: LatencyFigure[]; like: LatencyFigure[]; member: LatencyFigure[]; buildMs: number[] };
  /** Share of the exact top-50 that the pre-scan search returns, mean over the queries, per size. */
  prescanRecallAt50: number[];
  /** Share of the exact search's top 10 that the pre-scan returns, mean over the queries, per size. */
  prescanRecallAt10: number[];
  /** Share of the 10 member recommendations (exact scan) that the pre-scan request also returns, per size. */
  memberRecsOverlapAt10: number[];
}

/**
 * `n` unit vectors around the real embeddings `real` (with their genres): each is a random mix
 * of two real tracks of one genre plus N(0, noise²) per coordinate, renormalised. One shared buffer.
 */
function syntheticLibrary(n: number, real: readonly { embedding: ArrayLike<number>; genre: number; probs: readonly number[] }[], noise: number, seed: number): Library {
  const dim = real[0]?.embedding.length ?? 0;
  const rand = seeded(seed);
  const gauss = (): number => Math.sqrt(-2 * Math.log(rand() + 1e-12)) * Math.cos(2 * Math.PI * rand());
  const byGenre = new Map<number, typeof real>();
  for (const r of real) byGenre.set(r.genre, [...(byGenre.get(r.genre) ?? []), r]);
  const buffer = new Float32Array(n * dim);
  const lib = new Library(dim, [], n, Infinity);
  for (let i = 0; i < n; i++) {
    const a = real[Math.floor(rand() * real.length)] as (typeof real)[number];
    const same = byGenre.get(a.genre) ?? [a];
    const b = same[Math.floor(rand() * same.length)] ?? a;
    const mix = rand();
    const v = buffer.subarray(i * dim, (i + 1) * dim);
    for (let j = 0; j < dim; j++) v[j] = mix * (a.embedding[j] as number) + (1 - mix) * (b.embedding[j] as number) + noise * gauss();
    const norm = Math.hypot(...v);
    for (let j = 0; j < dim; j++) v[j] = (v[j] as number) / norm;
    lib.add({ id: `t${i}`, title: `Track ${i}`, artist: `Artist ${i % 5000}`, embedding: v, genreProbabilities: a.probs });
  }
  return lib;
}

function measure(runs: number, fn: (run: number) => unknown): Omit<LatencyFigure, 'tracks'> {
  fn(-1);
  fn(-2);
  const ms: number[] = [];
  const cpu: number[] = [];
  for (let i = 0; i < runs; i++) {
    const c0 = process.cpuUsage();
    const t0 = performance.now();
    fn(i);
    ms.push(performance.now() - t0);
    const c = process.cpuUsage(c0);
    cpu.push((c.user + c.system) / 1000);
  }
  const at = (xs: number[], q: number): number => [...xs].sort((a, b) => a - b)[Math.min(xs.length - 1, Math.floor(q * xs.length))] ?? NaN;
  return { p50Ms: at(ms, 0.5), p95Ms: at(ms, 0.95), cpuP50Ms: at(cpu, 0.5), runs };
}

/** Measures search, like-this and member recommendations at 100k and 1M tracks (by default). */
export async function benchRecsLatency(sizes: readonly number[] = [100_000, 1_000_000], runs = 30): Promise<RecsLatencyResult> {
  const { items } = await loadItems();
  const real = items.map((it) => ({ embedding: it.track.embedding, genre: it.genre, probs: it.track.genreProbabilities ?? [] }));
  const dim = real[0]?.embedding.length ?? 0;
  const noise = 0.02;
  const prescanDims = 64;
  const result: RecsLatencyResult = {
    dim,
    loadAverage1m: loadavg()[0] ?? 0,
    noisePerDim: noise,
    prescanKind: '',
    prescanDims,
    search: [],
    like: [],
    member: [],
    prescan: { search: [], like: [], member: [], buildMs: [] },
    prescanRecallAt50: [],
    prescanRecallAt10: [],
    memberRecsOverlapAt10: [],
  };
  for (const n of sizes) {
    const lib = syntheticLibrary(n, real, noise, 7);
    const rand = seeded(11);
    const pick = (): string => `t${Math.floor(rand() * n)}`;
    // Three liked styles per member (tracks of three genres of the first 20k), 1 in 5 reactions a 👎 of any track.
    const byGenre = new Map<number, string[]>();
    for (let i = 0; i < Math.min(n, 20_000); i++) {
      const g = lib.get(`t${i}`)?.genreProbabilities?.findIndex((p, _, ps) => p === Math.max(...ps)) ?? 0;
      byGenre.set(g, [...(byGenre.get(g) ?? []), `t${i}`]);
    }
    const feedback: RecFeedback[] = [];
    for (let u = 0; u < 10; u++) {
      for (let i = 0; i < 60; i++) {
        const style = byGenre.get((u + (i % 3)) % 10) ?? [];
        const id = style[Math.floor(rand() * style.length)] ?? pick();
        feedback.push({ userId: `u${u}`, trackId: i % 5 === 4 ? pick() : id, value: i % 5 === 4 ? -1 : 1, atMs: i });
      }
    }
    const cf = fitEase(feedback);
    const exclude = new Set(Array.from({ length: 100 }, pick));
    const queries = Array.from({ length: runs + 2 }, () => lib.index.vector(pick()) ?? new Float32Array(dim));
    const runAll = (into: Pick<RecsLatencyResult, 'search' | 'like' | 'member'>): void => {
      const likeRand = seeded(13);
      into.search.push({ tracks: n, ...measure(runs, (r) => lib.index.search(queries[r + 2] as Float32Array, 50, { exclude })) });
      into.like.push({ tracks: n, ...measure(runs, () => recommendLike({ library: lib, feedback, k: 10 }, `t${Math.floor(likeRand() * n)}`, 'u0')) });
      into.member.push({ tracks: n, ...measure(runs, (r) => recommendForMember({ library: lib, feedback, cf, k: 10 }, `u${Math.abs(r) % 10}`)) });
    };
    runAll(result);
    const exact = queries.map((q) => lib.index.search(q, 50, { exclude }).map((h) => h.id));
    const exactRecs = Array.from({ length: 10 }, (_, u) => recommendForMember({ library: lib, feedback, cf, k: 10 }, `u${u}`).map((r) => r.trackId));
    const t0 = performance.now();
    lib.index.enablePrescan({ dims: prescanDims, rerank: 1000 });
    result.prescan.buildMs.push(performance.now() - t0);
    result.prescanKind = lib.index.prescanKind ?? 'none';
    runAll(result.prescan);
    const mean = (xs: readonly number[]): number => xs.reduce((a, b) => a + b, 0) / Math.max(1, xs.length);
    const recallAt = (k: number): number =>
      mean(
        queries.map((q, i) => {
          const truth = new Set(exact[i]?.slice(0, k));
          return lib.index.search(q, k, { exclude }).filter((h) => truth.has(h.id)).length / Math.max(1, truth.size);
        }),
      );
    result.prescanRecallAt50.push(recallAt(50));
    result.prescanRecallAt10.push(recallAt(10));
    result.memberRecsOverlapAt10.push(
      mean(
        exactRecs.map((truth, u) => {
          const got = new Set(recommendForMember({ library: lib, feedback, cf, k: 10 }, `u${u}`).map((r) => r.trackId));
          return truth.filter((id) => got.has(id)).length / Math.max(1, truth.length);
        }),
      ),
    );
  }
  return result;
}

/** Prints the latency table and writes `bench/results/recs-latency.json`. */
export function reportRecsLatency(result: RecsLatencyResult): void {
  console.log(`\nRecommendation latency, ${result.dim}-d around the model's GTZAN embeddings (noise ${result.noisePerDim}/dim), one thread (load average ${result.loadAverage1m.toFixed(1)})`);
  const rows: Record<string, Record<string, string>> = {};
  for (const kind of ['search', 'like', 'member'] as const) {
    for (const [label, figs] of [['exact', result[kind]], ['pre-scan', result.prescan[kind]]] as const) {
      for (const f of figs) rows[`${kind} ${label} @ ${f.tracks}`] = { 'p50 ms': f.p50Ms.toFixed(2), 'p95 ms': f.p95Ms.toFixed(2), 'cpu p50 ms': f.cpuP50Ms.toFixed(2) };
    }
  }
  console.table(rows);
  const list = (xs: readonly number[], digits = 3): string => xs.map((x) => x.toFixed(digits)).join(', ');
  console.log(`pre-scan: ${result.prescanKind}, ${result.prescanDims} of ${result.dim} dims | recall@10 vs exact: ${list(result.prescanRecallAt10)} | recall@50: ${list(result.prescanRecallAt50)} | member top-10 overlap: ${list(result.memberRecsOverlapAt10)} | build ms: ${list(result.prescan.buildMs, 0)}`);
  writeResult('recs-latency.json', result);
}

if (isMain(import.meta.url)) {
  const sizes = process.argv.slice(2).map(Number).filter((n) => n > 0);
  reportRecsLatency(await benchRecsLatency(sizes.length > 0 ? sizes : undefined));
}
