import { loadavg } from 'node:os';
import { performance } from 'node:perf_hooks';
import { isMain, writeResult } from './results.js';
import { mulberry32 } from '../src/ml/rng.js';
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

/** Recommendation latency at each library size (synthetic clustered 120-d unit embeddings). */
export interface RecsLatencyResult {
  dim: number;
  loadAverage1m: number;
  /** Exact top-50 flat scan, 100 ids excluded. */
  search: LatencyFigure[];
  /** `recommendLike`: one scan, MMR over 200 candidates. */
  like: LatencyFigure[];
  /** `recommendForMember` with 60 reactions over 3 styles, EASE over the server's 600 reactions, MMR. */
  member: LatencyFigure[];
  /** The same three requests with the projected pre-scan (24 of 120 dims, 1000 re-ranked). */
  prescan: { search: LatencyFigure[]; like: LatencyFigure[]; member: LatencyFigure[]; buildMs: number[] };
  /** Share of the exact top-50 that the pre-scan search returns, mean over the queries, per size. */
  prescanRecallAt50: number[];
}

/** A seeded uniform source in [0, 1) as a plain function (the project's Mulberry32). */
function seeded(seed: number): () => number {
  const rng = mulberry32(seed);
  return () => rng.next();
}

/** `n` unit vectors around 10 genre centroids (like the model's embeddings), one shared buffer. */
function syntheticLibrary(n: number, dim: number, seed: number): Library {
  const rand = seeded(seed);
  const gauss = (): number => Math.sqrt(-2 * Math.log(rand() + 1e-12)) * Math.cos(2 * Math.PI * rand());
  const centroids = Array.from({ length: 10 }, () => Array.from({ length: dim }, gauss));
  const buffer = new Float32Array(n * dim);
  const lib = new Library(dim, [], n);
  for (let i = 0; i < n; i++) {
    const g = i % 10;
    const v = buffer.subarray(i * dim, (i + 1) * dim);
    for (let j = 0; j < dim; j++) v[j] = (centroids[g]?.[j] ?? 0) + 1.5 * gauss();
    const norm = Math.hypot(...v);
    for (let j = 0; j < dim; j++) v[j] = (v[j] as number) / norm;
    const probs = new Array<number>(10).fill(0.02);
    probs[g] = 0.82;
    lib.add({ id: `t${i}`, title: `Track ${i}`, artist: `Artist ${i % 5000}`, embedding: v, genreProbabilities: probs });
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
export function benchRecsLatency(sizes: readonly number[] = [100_000, 1_000_000], runs = 30): RecsLatencyResult {
  const dim = 120;
  const result: RecsLatencyResult = { dim, loadAverage1m: loadavg()[0] ?? 0, search: [], like: [], member: [], prescan: { search: [], like: [], member: [], buildMs: [] }, prescanRecallAt50: [] };
  for (const n of sizes) {
    const lib = syntheticLibrary(n, dim, 7);
    const rand = seeded(11);
    const pick = (): string => `t${Math.floor(rand() * n)}`;
    const feedback: RecFeedback[] = [];
    for (let u = 0; u < 10; u++) {
      for (let i = 0; i < 60; i++) {
        // Three liked styles per member: ids congruent to the style mod 10.
        const style = (u + (i % 3)) % 10;
        const id = `t${style + 10 * Math.floor(rand() * (n / 10))}`;
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
    const t0 = performance.now();
    lib.index.enablePrescan({ dims: 24, rerank: 1000 });
    result.prescan.buildMs.push(performance.now() - t0);
    runAll(result.prescan);
    const recall = queries.map((q, i) => {
      const truth = new Set(exact[i]);
      return lib.index.search(q, 50, { exclude }).filter((h) => truth.has(h.id)).length / Math.max(1, truth.size);
    });
    result.prescanRecallAt50.push(recall.reduce((a, b) => a + b, 0) / recall.length);
  }
  return result;
}

/** Prints the latency table and writes `bench/results/recs-latency.json`. */
export function reportRecsLatency(result: RecsLatencyResult): void {
  console.log(`\nRecommendation latency, ${result.dim}-d, one thread (load average ${result.loadAverage1m.toFixed(1)})`);
  const rows: Record<string, Record<string, string>> = {};
  for (const kind of ['search', 'like', 'member'] as const) {
    for (const [label, figs] of [['exact', result[kind]], ['pre-scan', result.prescan[kind]]] as const) {
      for (const f of figs) rows[`${kind} ${label} @ ${f.tracks}`] = { 'p50 ms': f.p50Ms.toFixed(2), 'p95 ms': f.p95Ms.toFixed(2), 'cpu p50 ms': f.cpuP50Ms.toFixed(2) };
    }
  }
  console.table(rows);
  console.log('pre-scan recall@50 vs exact:', result.prescanRecallAt50.map((r) => r.toFixed(3)).join(', '), '| build ms:', result.prescan.buildMs.map((m) => m.toFixed(0)).join(', '));
  writeResult('recs-latency.json', result);
}

if (isMain(import.meta.url)) {
  const sizes = process.argv.slice(2).map(Number).filter((n) => n > 0);
  reportRecsLatency(benchRecsLatency(sizes.length > 0 ? sizes : undefined));
}
