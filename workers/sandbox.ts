import { fileURLToPath } from 'node:url';
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
