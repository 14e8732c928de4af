import type { Worker } from 'bullmq';
import { fileURLToPath } from 'node:url';
import type { Logger } from '../src/infra/logger.js';
import type { QueueName } from '../src/jobs/schemas.js';

/**
 * How sandboxed processors written in TypeScript start. bullmq forks its own `main.js` for each
 * child and passes it `process.execArgv`, then the child `import()`s the processor file. Under
 * vitest or plain node that argv has no TypeScript loader, so we pass tsx's ESM loader
 * explicitly (`--import <tsx>`): the child then imports `workers/<queue>.ts` whether the parent
 * runs under `tsx workers/main.ts`, `tsx src/main.ts`, vitest, or node with a loader.
 */

/** The processor file of each queue that has one. */
export const PROCESSOR_FILES: Readonly<Partial<Record<QueueName, string>>> = {
  classify: fileURLToPath(new URL('./classify.ts', import.meta.url)),
  embed: fileURLToPath(new URL('./embed.ts', import.meta.url)),
  copy: fileURLToPath(new URL('./copy.ts', import.meta.url)),
  train: fileURLToPath(new URL('./train.ts', import.meta.url)),
  'taste-map': fileURLToPath(new URL('./taste-map.ts', import.meta.url)),
};

/**
 * Where V8 first collects the old generation of a processor child, in MiB. An analysis keeps about
 * 50 MiB of heap alive and passes a few MiB of large strings and buffers through it per job; with
 * V8's default limits that meant about one full mark-compact per 30 s clip (29 in 28 jobs), and
 * with this floor 6. The child's own CPU per job fell by about a fifth (287-305 ms to 217-247 ms
 * in three alternating runs of 24 clips) at the same peak RSS (about 450 MB: the heap is small
 * beside the audio buffers and wasm memory), and much of what it saved ran on GC helper threads,
 * i.e. on the other core.
 */
export const CHILD_INITIAL_OLD_SPACE_MIB = 128;

/** Node options of a processor child: tsx's loader and the GC floor; `--inspect` flags of the parent are left out. */
export function childExecArgv(parentExecArgv: readonly string[] = process.execArgv): string[] {
  const tsx = import.meta.resolve('tsx');
  const kept = parentExecArgv.filter((arg) => /^--(max-old-space-size|initial-old-space-size|enable-source-maps)/.test(arg));
  const heapFloor = kept.some((arg) => arg.startsWith('--initial-old-space-size')) ? [] : [`--initial-old-space-size=${CHILD_INITIAL_OLD_SPACE_MIB}`];
  return [...kept, ...heapFloor, '--import', tsx];
}

/**
 * Queues whose sandbox children start with their worker rather than with its first jobs: a member
 * waits for the classification, and a cold child added 1.4-2 s to the first one (tsx and the
 * processor's imports, the genre model, first calls of the feature kernels). One child per
 * concurrency slot: as many as concurrent jobs would start, though jobs that only ever come one at
 * a time would have kept just one (with WORKER_CONCURRENCY above 1 the others then idle, each
 * holding the model).
 */
export const PRESTARTED_QUEUES: ReadonlySet<QueueName> = new Set<QueueName>(['classify']);

/** What {@link prestartChildren} uses of bullmq's (private, undocumented) child pool. */
interface ChildPoolShape {
  retain(processFile: string): Promise<unknown>;
  release(child: unknown): void;
}

/** The child pool of a sandboxed `worker` (bullmq 6: its private `childPool`), or undefined when it has none of that shape. */
function childPoolOf(worker: Worker): ChildPoolShape | undefined {
  const pool: unknown = Reflect.get(worker, 'childPool');
  if (typeof pool !== 'object' || pool === null) return undefined;
  const retain: unknown = Reflect.get(pool, 'retain');
  const release: unknown = Reflect.get(pool, 'release');
  return typeof retain === 'function' && typeof release === 'function' ? (pool as ChildPoolShape) : undefined;
}

/**
 * Starts `count` sandbox children of `worker` for `processorFile` now and hands them to its pool
 * as free ones, so that its first jobs find them started: the processor module imported, and what
 * it prepares at import (workers/classify.ts: the model) under way. Call it before `worker.run()`:
 * a job that came while the children start would fork one more. bullmq has no public API for this:
 * it goes through the Worker's private `childPool` (bullmq 6: `retain(file)` forks a child and
 * waits until it has imported the processor, `release(child)` makes it free for jobs; the pool
 * kills free children on `close()`). Where that is not there (another bullmq), it logs a warning
 * and the children start with their jobs, as before. A child that fails to start is logged, and
 * its job starts another (and fails as it would have).
 * @returns how many children were started and left free.
 */
export async function prestartChildren(worker: Worker, processorFile: string, count: number, log: Logger): Promise<number> {
  const pool = childPoolOf(worker);
  if (!pool) {
    log.warn("bullmq's child pool is not where it was: sandbox children start with their first jobs");
    return 0;
  }
  const started = await Promise.allSettled(Array.from({ length: count }, () => pool.retain(processorFile)));
  let free = 0;
  for (const outcome of started) {
    if (outcome.status === 'fulfilled') {
      pool.release(outcome.value);
      free += 1;
    } else {
      log.warn({ err: outcome.reason as unknown }, 'a sandbox child did not start ahead of its jobs');
    }
  }
  return free;
}
